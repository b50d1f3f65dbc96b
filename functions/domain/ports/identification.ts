/**
 * The ports of identification: the verification codes and the identification fields of a
 * session, read with their versions and written under conditions.
 */
import type { SendWindow, VerificationRecord } from '../identification.ts';
import type { ResumableSession, ResumeTokenSlots } from '../resume-tokens.ts';

/** A session as identification reads it: what it is, its code sends, its pending destination. */
export interface SessionIdentity {
  resumable: ResumableSession;
  /** Codes sent for this session in the current window (all destinations). */
  codeSends?: SendWindow;
  /** Optimistic-concurrency version of `codeSends` and `pendingDestinationKey`; 0 when never written. */
  identityVersion: number;
  /** The destination whose code this session asked for last. */
  pendingDestinationKey?: string;
  /** The phone of that request, when the citizen opted in to SMS (E.164; personal data). */
  pendingSmsPhone?: string;
  /** The masked phone of that request (`+7 ********67`), shown to operators once verified. */
  pendingMaskedPhone?: string;
}

/** A stored record and the version it was read at (0: none was ever written, or it expired). */
export interface VersionedRecord {
  record: VerificationRecord | undefined;
  version: number;
}

/** What `saveCodeRequest` writes: the destination's record and the session's side, each under its version. */
export interface CodeRequestSave {
  record: VerificationRecord;
  recordVersion: number;
  recordExpiresAt: number;
  sessionId: string;
  codeSends: SendWindow;
  identityVersion: number;
  /** The phone to keep for status SMS once verified (opted in); absent: none is kept. */
  smsPhone: string | undefined;
  /** The masked phone of an SMS request, for operators once verified. */
  maskedPhone: string | undefined;
}

/** VerificationCodesTable and the identification fields of sessions (`identification.ts`). */
export interface IdentificationRepository {
  getRecord(destinationKey: string): Promise<VersionedRecord>;
  getSessionIdentity(sessionId: string): Promise<SessionIdentity | undefined>;
  /**
   * A code was decided: the destination's record and the session's sends and pending destination,
   * in one transaction, each under its version. `conflict`: another writer came first.
   */
  saveCodeRequest(input: CodeRequestSave): Promise<'saved' | 'conflict'>;
  /** A wrong code was counted (or locked the destination), under the record's version. */
  saveAttempt(record: VerificationRecord, version: number, expiresAt: number): Promise<'saved' | 'conflict'>;
  /**
   * The code was right, in one transaction: the record (code used up, failures reset) under its
   * version; the session verified with `citizenId`, its pending destination cleared and its resume
   * token slots replaced, under the slots' version and only while `openConversationId` is as read;
   * the open conversation (if any) carried over to the citizen. `conflict`: something moved.
   */
  completeVerification(input: VerificationCompletion): Promise<'verified' | 'conflict'>;
}

/** What a successful verification writes (`IdentificationRepository.completeVerification`). */
export interface VerificationCompletion {
  record: VerificationRecord;
  recordVersion: number;
  recordExpiresAt: number;
  session: ResumableSession;
  citizenId: string;
  slots: ResumeTokenSlots;
  openConversationId: string | undefined;
  /** The connection that presented the code: the session is bound to it (`verifiedConnectionId`). */
  connectionId: string;
  /** The opted-in phone of the request: the session gets `smsOptIn` and `smsPhone`. */
  smsPhone: string | undefined;
  /** The masked phone of the request: the session gets `maskedPhone` (for operators). */
  maskedPhone: string | undefined;
}
