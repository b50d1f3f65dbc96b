/**
 * Sessions and their WebSocket connections. A session outlives its connections: a citizen who
 * reconnects (later with a resume token) comes back to the same session and open conversation.
 */
import type { Role } from '#events/authorizer-context.ts';
import type { Lang } from '#events/lang.ts';
import type { PendingQuestion } from './conversations.ts';

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
   * A guest's question remembered on the session by versions before it moved to the conversation
   * (`Conversation.pendingQuestion`): still read until it expires (at most
   * `PENDING_QUESTION_TTL_SECONDS` after an upgrade), never written.
   */
  pendingQuestion?: PendingQuestion;
  createdAt: string;
  expiresAt: number;
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
