/**
 * Use case: the client says `hello` and learns where it stands.
 *
 * Primary course:
 *  1. Read the caller's session with its resume-token slots; read its open conversation, if any.
 *  2. Issue a fresh resume token (`functions/domain/resume-tokens.ts`: new slot with the full
 *     lifetime, the slot this connection resumed with retired to a grace period, the cap kept) and
 *     store the slots under a version check; when another hello of the session wrote first, read
 *     again and retry. Sign the token (a JWT naming the new slot) once its slot is stored.
 *  3. Answer `welcome` with the session id, whether it is verified, the connection's language, the
 *     open conversation (null when there is none, or it is closed or expired) and where it stands
 *     (its state, ticket and operator, from the item read in step 1), and the token.
 *
 * A session that is absent or expired gets no token (null): there is nothing to resume. A session
 * signed out (`session.end`), or identified on another connection while this one stayed a guest (a
 * copied guest token), is refused (UNAUTHORIZED): no token, least of all a citizen's.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { WelcomeConversation, WelcomeFrame } from '#events/server-frames.ts';
import { sessionStanding } from '../authorization.ts';
import { type Conversation, isOpen } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ResumeTokenRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import {
  issueResumeToken,
  type ResumableSession,
  type ResumeTokenPolicy,
  type ResumeTokenSigner,
  type ResumeTokenSource,
} from '../resume-tokens.ts';

export interface GreetSessionDeps {
  sessions: ResumeTokenRepository;
  conversations: ConversationRepository;
  clock: Clock;
  tokenSource: ResumeTokenSource;
  tokenPolicy: ResumeTokenPolicy;
  signer: ResumeTokenSigner;
}

/** Concurrent hellos of one session are a handful of tabs at most; each retry re-reads. */
const MAX_ISSUE_ATTEMPTS = 5;

export async function greetSession(
  deps: GreetSessionDeps,
  caller: Caller,
  connectionId: string,
): Promise<WelcomeFrame> {
  const issued = await issueToken(deps, caller, connectionId);
  const session = issued?.stored.session;
  const openId = session?.openConversationId;
  const conversation = openId === undefined ? undefined : await deps.conversations.get(openId);
  const open = conversation && isOpen(conversation) ? conversation : undefined;
  return {
    type: 'welcome',
    sessionId: caller.sessionId,
    verified: session?.verified ?? false,
    lang: caller.lang,
    conversationId: open?.conversationId ?? null,
    ...(open ? { conversation: standing(open) } : {}),
    resumeToken: issued?.token ?? null,
  };
}

/**
 * Where an open conversation stands, as the citizen was told, from the item just read (no other
 * read): with an operator only once they accepted it (until then the citizen still waits).
 */
function standing(conversation: Conversation): WelcomeConversation {
  const withOperator = conversation.state === 'operator' && conversation.acceptedAt !== undefined;
  return {
    state: withOperator ? 'operator' : conversation.state === 'bot' ? 'bot' : 'queued',
    ...(conversation.ticketId && conversation.ticketNumber
      ? { ticket: { ticketId: conversation.ticketId, number: conversation.ticketNumber } }
      : {}),
    ...(withOperator && conversation.operatorName
      ? { operator: { displayName: conversation.operatorName } }
      : {}),
  };
}

async function issueToken(
  deps: GreetSessionDeps,
  caller: Caller,
  connectionId: string,
): Promise<{ stored: ResumableSession; token: string | null } | undefined> {
  for (let attempt = 1; attempt <= MAX_ISSUE_ATTEMPTS; attempt++) {
    const stored = await deps.sessions.getResumable(caller.sessionId);
    if (!stored) return undefined;
    if (sessionStanding(stored.session, caller, connectionId) === 'refused')
      throw new ChatError('UNAUTHORIZED');
    const issue = issueResumeToken({
      stored,
      ...(caller.resumeTokenId === undefined ? {} : { resumedWith: caller.resumeTokenId }),
      now: deps.clock.now(),
      policy: deps.tokenPolicy,
      source: deps.tokenSource,
    });
    const outcome = await deps.sessions.replaceSlots(caller.sessionId, issue.slots, stored.version);
    if (outcome === 'replaced') return { stored, token: await deps.signer.sign(issue.claims) };
  }
  // Still contended after several fresh reads: answer without a token rather than fail the hello;
  // the client keeps the token it has and asks again on its next hello.
  const stored = await deps.sessions.getResumable(caller.sessionId);
  return stored && { stored, token: null };
}
