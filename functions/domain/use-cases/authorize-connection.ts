/**
 * Use case: decide whether a WebSocket upgrade may connect, and as whom (the `$connect` authorizer).
 *
 * First, for every upgrade: a browser says where the page that opens the socket came from
 * (`Origin`); one from a page not in `allowedOrigins` (the portal's pages and the console's) is
 * refused, so that another site a citizen or an operator has open cannot connect as them or with
 * a token it got hold of. A client without `Origin` is not a browser page and goes on.
 *
 * Primary course (no `token`):
 *  1. Admit a new guest: a fresh random session id is both the principal and the session.
 *  2. The session language is the `lang` query parameter when it is supported, else Russian.
 *
 * With a `token` (a citizen's resume token, `functions/domain/resume-tokens.ts`):
 *  1. Check its shape (a compact JWS of sane size), then its signature, issuer, audience and
 *     expiry, with no I/O but the cached key; refuse anything else before any read.
 *  2. Read its session (`sub`) once, consistently; refuse when the session is unknown or expired,
 *     or its slot (`jti`) was revoked or has expired.
 *  3. Admit the session: principal = sessionId; role `citizen` with its `citizenId` when the session
 *     is verified, else `guest`; `verified`; the `lang` parameter if supported, else the session's;
 *     and the slot it came in with, for its `hello`.
 *
 * With a `token` whose (unverified) `iss` is a Cognito user pool (an operator's ID token,
 * `functions/domain/operator-identity.ts`); the unverified issuer only picks this branch:
 *  1. Verify it (aws-jwt-verify): signature against the pool's JWKS, `iss` = our pool, `aud` = the
 *     console's client, `token_use` = `id`, not expired; refuse anything else (another pool or
 *     client, an access token, forged, tampered, expired).
 *  2. Take the role from `cognito:groups` (`senior` wins over `operator`); a member of neither is
 *     refused.
 *  3. Admit: principal = sessionId = the Cognito `sub`; `displayName` from `given_name` (the
 *     administrator's) or the username; `username` (what every frame is checked against the pool
 *     by); the `lang` parameter if supported, else Russian.
 *
 * Last, for every upgrade it admits: count the connect per source address, and per session when
 * it resumes one (`connectCounting`, one conditional write); over a limit it is refused
 * (`too_many_connects`, HTTP 403 like a page origin: the client keeps its token and retries later).
 *
 * Anything that cannot be verified is refused, never downgraded to a guest (docs/protocol.md).
 */
import type { AuthorizerContext } from '#events/authorizer-context.ts';
import { langOrDefault, langSchema } from '#events/lang.ts';
import {
  type ClientLimits,
  connectCounting,
  countShared,
  type InstanceCounters,
  type RateCounter,
} from '../client-limits.ts';
import {
  claimsCognitoIssuer,
  displayNameOf,
  type OperatorTokenVerifier,
  staffRole,
} from '../operator-identity.ts';
import type { ResumeTokenRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import {
  looksLikeResumeToken,
  type ResumeRefusal,
  type ResumeTokenSigner,
  verifyResumeToken,
} from '../resume-tokens.ts';

export interface AuthorizeConnectionDeps {
  ids: IdGenerator;
  sessions: ResumeTokenRepository;
  clock: Clock;
  signer: ResumeTokenSigner;
  operators: OperatorTokenVerifier;
  /** The origins of the pages that may open the socket from a browser (exact, `https://host[:port]`). */
  allowedOrigins: ReadonlySet<string>;
  /** The connect limits and their shared counter; without them connects are not counted (unit tests). */
  connectLimits?: { limits: ClientLimits; counter: RateCounter; instance: InstanceCounters };
}

export interface ConnectionRequest {
  token?: string;
  lang?: string;
  /** The `Origin` header of the upgrade, when the client sent one (browsers always do). */
  origin?: string;
  /** `requestContext.identity.sourceIp` of the upgrade. */
  sourceIp?: string;
}

/** Why a connection was refused; safe to log (it names a rule, never the token). */
export type RefusalReason =
  | 'origin_not_allowed'
  | 'too_many_connects'
  | 'malformed_token'
  | ResumeRefusal
  | OperatorRefusal;

/** Why an operator's ID token was refused. */
export type OperatorRefusal = 'operator_token_invalid' | 'operator_token_expired' | 'not_staff';

export type AuthorizationDecision =
  | { admitted: true; principalId: string; context: AuthorizerContext }
  | { admitted: false; reason: RefusalReason };

export async function authorizeConnection(
  deps: AuthorizeConnectionDeps,
  request: ConnectionRequest,
): Promise<AuthorizationDecision> {
  const decision = await decide(deps, request);
  if (!decision.admitted || deps.connectLimits === undefined) return decision;
  const { limits, counter, instance } = deps.connectLimits;
  const resumed = request.token === undefined ? undefined : decision.context.sessionId;
  const counted = await countShared(
    counter,
    instance,
    connectCounting(limits, request.sourceIp ?? 'unknown', resumed),
    deps.clock.now(),
  );
  return counted.allowed ? decision : { admitted: false, reason: 'too_many_connects' };
}

async function decide(
  deps: AuthorizeConnectionDeps,
  request: ConnectionRequest,
): Promise<AuthorizationDecision> {
  if (request.origin !== undefined && !deps.allowedOrigins.has(request.origin))
    return { admitted: false, reason: 'origin_not_allowed' };
  if (request.token === undefined) {
    const sessionId = deps.ids.newId();
    return {
      admitted: true,
      principalId: sessionId,
      context: { sessionId, role: 'guest', lang: langOrDefault(request.lang) },
    };
  }

  if (claimsCognitoIssuer(request.token))
    return authorizeOperator(deps.operators, request.token, request.lang);
  if (!looksLikeResumeToken(request.token)) return { admitted: false, reason: 'malformed_token' };
  const claims = await deps.signer.verify(request.token);
  if (claims === 'invalid') return { admitted: false, reason: 'bad_signature' };
  if (claims === 'expired') return { admitted: false, reason: 'token_expired' };
  const stored = await deps.sessions.getResumable(claims.sessionId);
  const verdict = verifyResumeToken(claims, stored, deps.clock.now());
  if (!verdict.resumed) return { admitted: false, reason: verdict.reason };

  const { session, slotId } = verdict;
  const asked = langSchema.safeParse(request.lang);
  return {
    admitted: true,
    principalId: session.sessionId,
    context: {
      sessionId: session.sessionId,
      role: session.verified && session.citizenId !== undefined ? 'citizen' : 'guest',
      lang: asked.success ? asked.data : session.lang,
      verified: session.verified,
      ...(session.verified && session.citizenId !== undefined ? { citizenId: session.citizenId } : {}),
      resumeTokenId: slotId,
    },
  };
}

async function authorizeOperator(
  verifier: OperatorTokenVerifier,
  token: string,
  lang: string | undefined,
): Promise<AuthorizationDecision> {
  const claims = await verifier.verify(token);
  if (claims === 'invalid') return { admitted: false, reason: 'operator_token_invalid' };
  if (claims === 'expired') return { admitted: false, reason: 'operator_token_expired' };
  const role = staffRole(claims.groups);
  if (role === undefined) return { admitted: false, reason: 'not_staff' };
  return {
    admitted: true,
    principalId: claims.sub,
    context: {
      sessionId: claims.sub,
      role,
      lang: langOrDefault(lang),
      displayName: displayNameOf(claims),
      ...(claims.username === undefined ? {} : { username: claims.username }),
    },
  };
}
