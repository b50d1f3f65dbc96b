/**
 * Sessions and their WebSocket connections. A session outlives its connections: a citizen who
 * reconnects (later with a resume token) comes back to the same session and open conversation.
 */
import type { Role } from '#events/authorizer-context.ts';
import type { Lang } from '#events/lang.ts';

export interface Session {
  sessionId: string;
  lang: Lang;
  verified: boolean;
  citizenId?: string;
  /** A citizen identified by phone: the phone masked (`+7 ********67`), what operators are shown. */
  maskedPhone?: string;
  openConversationId?: string;
  /**
   * The connection the session was identified on (`auth.verifyCode`): the only guest connection of
   * the session that may act as the citizen. The session's other connections were closed then.
   */
  verifiedConnectionId?: string;
  /** When the citizen signed out (`session.end`): the session is over, nothing resumes it. */
  endedAt?: string;
  /**
   * A guest's question that needs identification (the status of their applications), answered
   * as soon as the session is identified, once, while it is live.
   */
  pendingQuestion?: PendingQuestion;
  createdAt: string;
  expiresAt: number;
}

/** The citizen message the bot answers again once the session is identified. */
export interface PendingQuestion {
  conversationId: string;
  messageId: string;
  seq: number;
  lang: Lang;
  /** Epoch seconds: after this, identifying answers nothing (the question is old news). */
  expiresAt: number;
}

/** The session's pending question still to answer at `now`, if any. */
export function livePendingQuestion(
  session: Pick<Session, 'pendingQuestion'>,
  now: Date,
): PendingQuestion | undefined {
  const pending = session.pendingQuestion;
  return pending && pending.expiresAt * 1000 > now.getTime() ? pending : undefined;
}

export interface Connection {
  connectionId: string;
  /** sessionId of a citizen or guest, `sub` of an operator. */
  principalId: string;
  sessionId: string;
  role: Role;
  lang: Lang;
  connectedAt: string;
  expiresAt: number;
}

/** API Gateway closes a WebSocket after 2 hours; the margin covers a `$disconnect` that never came. */
export const CONNECTION_LIFETIME_SECONDS = 2 * 60 * 60 + 15 * 60;

export function startSession(input: {
  sessionId: string;
  lang: Lang;
  now: Date;
  expiresAt: number;
}): Session {
  return {
    sessionId: input.sessionId,
    lang: input.lang,
    verified: false,
    createdAt: input.now.toISOString(),
    expiresAt: input.expiresAt,
  };
}
