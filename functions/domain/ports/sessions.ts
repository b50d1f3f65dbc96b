/**
 * The ports of sessions and their connections: storing a session and its resume-token slots,
 * reading a session with the conversation a frame names, the connection registry, and a verified
 * citizen's other sessions.
 */
import type { Conversation } from '../conversations.ts';
import type { ResumableSession, ResumeTokenSlots } from '../resume-tokens.ts';
import type { Connection, Session } from '../sessions.ts';

export interface SessionRepository {
  /** Stores the session unless one with its id exists; an existing session is left untouched. */
  createIfAbsent(session: Session): Promise<void>;
  get(sessionId: string): Promise<Session | undefined>;
}

/** Signing out (`session.end`). */
export interface SessionEnder {
  /**
   * Marks the session ended (`endedAt`, kept from the first time) and drops every resume-token slot.
   * Undefined when there is no such session.
   */
  end(sessionId: string, now: Date): Promise<Session | undefined>;
}

/** The resume-token slots stored on a session (`functions/domain/resume-tokens.ts`). */
export interface ResumeTokenRepository {
  /** The live session with its slots, read consistently; undefined when absent or expired. */
  getResumable(sessionId: string): Promise<ResumableSession | undefined>;
  /**
   * Replaces the session's slots if they are still at `expectedVersion` and the session is live.
   * `conflict`: another writer came first, or the session is gone; the caller reads again.
   */
  replaceSlots(
    sessionId: string,
    slots: ResumeTokenSlots,
    expectedVersion: number,
  ): Promise<'replaced' | 'conflict'>;
}

/** A session and, if one was asked for, a conversation; an absent or expired item is undefined. */
export interface SessionTarget {
  session?: Session;
  conversation?: Conversation;
}

export interface SessionTargetReader {
  /** Reads the session and the guessed conversation (if any) at once, consistently. */
  read(sessionId: string, guessedConversationId: string | undefined): Promise<SessionTarget>;
}

export interface ConnectionRepository {
  save(connection: Connection): Promise<void>;
  /** Idempotent: deleting a connection that is not there succeeds. */
  delete(connectionId: string): Promise<void>;
  listByPrincipal(principalId: string): Promise<Connection[]>;
}

/** The sessions a verified citizen has used (SessionsTable index `byCitizenSms`). */
export interface CitizenSessionLookup {
  sessionIdsOf(citizenId: string): Promise<string[]>;
}
