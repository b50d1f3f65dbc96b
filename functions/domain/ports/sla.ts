/**
 * The ports of the SLA records and report (docs/requirements.md#sla, `functions/domain/sla.ts`):
 * where breaches and assignments are recorded per clock hour, where the hourly report is kept, and
 * where on-call hears of a report below target. Adapters: `functions/adapters/dynamodb/sla-records.ts`,
 * `functions/adapters/on-call-publisher.ts`.
 */
import type { Conversation } from '../conversations.ts';
import type { SlaAssignmentRecord, SlaBreachRecord, SlaReport } from '../sla.ts';

export type BreachOutcome =
  /** Recorded now: the conversation as stored, with the breach on it. Count it. */
  | { status: 'breached'; conversation: Conversation }
  /** This entry's breach was recorded before (a repeated timer): do not count it again. */
  | { status: 'already' }
  /** The entry no longer waits (taken, moved, closed). */
  | { status: 'stale' };

/** A stored report, with when on-call was told (if it was). */
export type StoredSlaReport = SlaReport & { publishedAt?: string };

export interface SlaRecords {
  /**
   * In one transaction: the conversation still waits in the queue entry it was read in
   * (`queue`, `queueEntryId`) and that entry has no breach yet → the breach is stamped on it
   * (`slaBreachedAt`, `slaBreachedEntryId`) and recorded for its hour, with its ticket number.
   */
  recordBreach(waiting: Conversation, breachedAt: Date): Promise<BreachOutcome>;
  /**
   * Claims the count of the breach of `entryId` (stamped on the conversation by `recordBreach`):
   * true for exactly one caller, whoever comes first — the timer that recorded it, its redelivery,
   * the assignment of the breached stay, or the reconciler.
   */
  markBreachCounted(conversationId: string, entryId: string): Promise<boolean>;
  /** Records an assignment for its hour; repeating it changes nothing. */
  recordAssignment(record: SlaAssignmentRecord): Promise<void>;
  /** What was recorded for the hour (`YYYY-MM-DDTHH`). */
  recordsOf(hour: string): Promise<{ breaches: SlaBreachRecord[]; assignments: SlaAssignmentRecord[] }>;
  /** The report of the hour, if one was written. */
  report(hour: string): Promise<StoredSlaReport | undefined>;
  /** Writes the report unless the hour has one; returns the one that is stored either way. */
  saveReport(report: SlaReport): Promise<StoredSlaReport>;
  /** Notes that on-call was told; false when it already was. */
  markPublished(hour: string, at: Date): Promise<boolean>;
}

/** The on-call topic. */
export interface OnCallChannel {
  publish(message: { subject: string; text: string; hour: string }): Promise<void>;
}
