/**
 * Who may do what: the ONE authorization policy of the chat. Every action of docs/protocol.md has a row;
 * `frameRoute` (functions/shared/websocket/frame-route.ts) applies it to every request/response
 * route after parsing the JSON (so the requestId is echoed) and before validating the frame, so a
 * frame the caller may not send is refused whatever its fields. Handlers never check roles again;
 * they check ownership only (not yours → FORBIDDEN, unknown → NOT_FOUND).
 *
 * Codes (docs/protocol.md): UNAUTHORIZED = "identify first" (a guest asking for something personal);
 * FORBIDDEN = "not for your role" (a citizen sending an operator action, an operator a citizen-only
 * one). A route with no row is refused (FORBIDDEN), never admitted: fail closed.
 *
 * API Gateway fixes the authorizer context at `$connect`, so a guest who verified on this
 * connection still arrives as `guest`. For the actions whose row says `resolveCitizen`, a guest
 * caller is resolved from its session (one consistent GetItem): a verified session makes it a
 * `citizen` with its `citizenId`. Those routes' functions read SessionsTable (infra/constructs/
 * realtime.ts grants it from this table).
 */
import type { Caller, Role } from '#events/authorizer-context.ts';
import { ChatError } from './errors.ts';

export interface ActionPolicy {
  /** The roles that may send the action (a guest resolved to a citizen counts as `citizen`). */
  readonly roles: readonly Role[];
  /**
   * Whether a `guest` caller is resolved from its session first (verified on this connection →
   * `citizen` with `citizenId`). Set where the answer depends on the citizen's identity.
   */
  readonly resolveCitizen: boolean;
}

const CITIZEN_SIDE: readonly Role[] = ['guest', 'citizen'];
const VERIFIED_CITIZEN: readonly Role[] = ['citizen'];
const STAFF: readonly Role[] = ['operator', 'senior'];
const EVERYONE: readonly Role[] = ['guest', 'citizen', 'operator', 'senior'];

const row = (roles: readonly Role[], resolveCitizen = false): ActionPolicy => ({ roles, resolveCitizen });

/** Every action of docs/protocol.md (and this backend's additions), in the order of docs/protocol.md. */
const AUTHORIZATION_POLICY = {
  // Citizen actions.
  hello: row(EVERYONE),
  'message.send': row(CITIZEN_SIDE),
  // Ownership of a conversation may be by citizenId (a ticket's conversation read from another device).
  'history.get': row(EVERYONE, true),
  suggest: row(CITIZEN_SIDE),
  'operator.request': row(CITIZEN_SIDE),
  // Citizens' side; an operator never. A session already verified gets CONFLICT from the use case:
  // a session is one citizen (functions/domain/use-cases/request-code.ts).
  'auth.requestCode': row(CITIZEN_SIDE),
  'auth.verifyCode': row(CITIZEN_SIDE),
  // Personal data (152-FZ): verified citizens (their own) and staff (the handler checks ownership).
  'ticket.get': row(['citizen', 'operator', 'senior'], true),
  // A citizen lists their own tickets; staff list tickets by status (the portal's form opens
  // tickets no conversation brings to an operator).
  'ticket.list': row(['citizen', 'operator', 'senior'], true),
  // A citizen (or guest) attaches a file to their own conversation; operators do not upload (yet).
  'attachment.create': row(CITIZEN_SIDE),
  // Shared: the conversation's citizen and its assigned operator open its attachments.
  'attachment.url': row(EVERYONE, true),
  'attachment.get': row(EVERYONE, true),
  // A guest's conversation may have had a ticket too: its feedback is by session ownership.
  'feedback.submit': row(CITIZEN_SIDE, true),
  'push.register': row(VERIFIED_CITIZEN, true),
  // A verified citizen's own conversations and tickets as one transcript (152-FZ: the right to see them).
  'transcript.get': row(VERIFIED_CITIZEN, true),
  typing: row(EVERYONE),
  // Signing out ends the caller's own session (a guest's too: a shared device); staff have none.
  'session.end': row(CITIZEN_SIDE),
  // MFC offices and visits (this backend's extension): anyone on the citizens' side looks at the
  // offices and free slots; booking, cancelling, moving and listing visits are a verified citizen's.
  'mfc.offices': row(CITIZEN_SIDE),
  'mfc.slots': row(CITIZEN_SIDE),
  'mfc.book': row(VERIFIED_CITIZEN, true),
  'mfc.cancel': row(VERIFIED_CITIZEN, true),
  'mfc.reschedule': row(VERIFIED_CITIZEN, true),
  'mfc.visits': row(VERIFIED_CITIZEN, true),
  // Operator actions (roles operator, senior).
  'operator.status': row(STAFF),
  'operator.next': row(STAFF),
  'operator.heartbeat': row(STAFF),
  'conversation.accept': row(STAFF),
  'operator.reply': row(STAFF),
  'operator.note': row(STAFF),
  'operator.transfer': row(STAFF),
  'ticket.setStatus': row(STAFF),
  'canned.list': row(STAFF),
  // This backend's addition: the waiting lines at a glance (also pushed to online operators).
  'queue.stats': row(STAFF),
} as const satisfies Record<string, ActionPolicy>;

export type Action = keyof typeof AUTHORIZATION_POLICY;

export const ACTIONS = Object.keys(AUTHORIZATION_POLICY) as Action[];

function isAction(value: string): value is Action {
  return Object.hasOwn(AUTHORIZATION_POLICY, value);
}

/** The policy of a route key, or undefined for `$default`/`$connect`/`$disconnect` and unknown keys. */
export function policyOf(routeKey: string): ActionPolicy | undefined {
  return isAction(routeKey) ? AUTHORIZATION_POLICY[routeKey] : undefined;
}

/**
 * What the policy says for `role` before any session is read: admitted, `resolve` (a guest on an
 * action that needs a verified citizen, or whose answer depends on one: read the session first),
 * or the refusal code.
 */
export type Verdict = 'admit' | 'resolve' | 'UNAUTHORIZED' | 'FORBIDDEN';

export function verdictFor(policy: ActionPolicy | undefined, role: Role): Verdict {
  if (!policy) return 'FORBIDDEN';
  if (role === 'guest' && policy.resolveCitizen) return 'resolve';
  if (policy.roles.includes(role)) return 'admit';
  return refusalFor(policy, role);
}

/**
 * The refusal for a role the policy does not admit: a guest (still a guest after its session was
 * read) is UNAUTHORIZED where a verified citizen would be admitted — identifying would help; every
 * other refusal is FORBIDDEN.
 */
export function refusalFor(policy: ActionPolicy, role: Role): 'UNAUTHORIZED' | 'FORBIDDEN' {
  return role === 'guest' && policy.roles.includes('citizen') ? 'UNAUTHORIZED' : 'FORBIDDEN';
}

/** What resolving a guest needs: its session, read consistently (it may have verified a moment ago). */
export interface CitizenSessionReader {
  get(sessionId: string): Promise<SessionStandingFacts | undefined>;
}

/** What a session says about who may act for it (functions/domain/sessions.ts). */
export interface SessionStandingFacts {
  verified: boolean;
  citizenId?: string;
  verifiedConnectionId?: string;
  endedAt?: string;
}

/**
 * How a guest's or citizen's connection stands with its session, as stored now:
 *  - `refused`: the session was signed out (`endedAt`), or it was identified on another connection
 *    while this one stayed a guest — a connection opened with a copied guest token must not become
 *    the citizen (that connection was closed; this covers a frame that raced the close);
 *  - `citizen`: connected as the citizen, or the guest connection the session was identified on;
 *  - `guest`: a session not identified.
 */
export function sessionStanding(
  session: SessionStandingFacts,
  caller: Pick<Caller, 'role'>,
  connectionId: string,
): 'guest' | 'citizen' | 'refused' {
  if (session.endedAt !== undefined) return 'refused';
  if (caller.role === 'citizen') return 'citizen';
  if (!session.verified || session.citizenId === undefined) return 'guest';
  return session.verifiedConnectionId === connectionId ? 'citizen' : 'refused';
}

/**
 * Applies the policy of `routeKey` to `caller` and returns the caller the handler acts for.
 *
 * Primary course:
 *  1. Look up the action's row; no row → FORBIDDEN.
 *  2. A role the row admits → the caller as it came.
 *  3. On a `resolveCitizen` row, a guest or a citizen → read the session (`sessionStanding`): signed
 *     out, or identified on another connection than this guest's → UNAUTHORIZED; the guest
 *     connection it was identified on → the caller as `citizen` with its citizenId.
 *  4. The resolved role not admitted → UNAUTHORIZED (a guest where a citizen would be) or FORBIDDEN.
 */
export async function authorizeAction(
  deps: { sessions: CitizenSessionReader },
  routeKey: string,
  caller: Caller,
  connectionId: string,
): Promise<Caller> {
  const policy = policyOf(routeKey);
  const verdict = verdictFor(policy, caller.role);
  if (verdict !== 'admit' && verdict !== 'resolve') throw new ChatError(verdict);
  if (!policy) throw new ChatError('FORBIDDEN');
  if (!policy.resolveCitizen || (caller.role !== 'guest' && caller.role !== 'citizen')) return caller;

  const resolved = await resolveFromSession(deps.sessions, caller, connectionId);
  if (policy.roles.includes(resolved.role)) return resolved;
  throw new ChatError(refusalFor(policy, resolved.role));
}

async function resolveFromSession(
  sessions: CitizenSessionReader,
  caller: Caller,
  connectionId: string,
): Promise<Caller> {
  const session = await sessions.get(caller.sessionId);
  // Gone (expired): as the connection came; what it may touch is still checked per resource.
  if (!session) return caller;
  const standing = sessionStanding(session, caller, connectionId);
  if (standing === 'refused') throw new ChatError('UNAUTHORIZED');
  if (standing === 'guest' || caller.role === 'citizen') return caller;
  return { ...caller, role: 'citizen', verified: true, citizenId: session.citizenId as string };
}
