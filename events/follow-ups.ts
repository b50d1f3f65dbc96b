/**
 * What must follow a change of the waiting line (docs/architecture.md, "The ledger"): written on the
 * conversation item in the same DynamoDB transaction as the change itself, performed right after the
 * commit, and cleared only once every step is done. Each step is idempotent (FIFO deduplication by
 * entry id or `{conversationId}#{attempt}`, timers that re-check the state they act on), so whoever
 * finds them pending — the fast path, a redelivered message, the reconciler — may perform them again.
 */
import { queueEntrySchema } from './queue-entry.ts';
import { timerMessageSchema } from './timers.ts';
import * as z from './zod.ts';

export const followUpsSchema = z.object({
  /** The conversation's operator queue entry: put on its SQS queue (dedup = entry id). */
  entry: z.optional(queueEntrySchema),
  /** Timers (SLA) and signals (`queue.arrival`, `operator.freed`) to send to the timer queue. */
  timers: z.optional(z.array(timerMessageSchema)),
  /** An assignment to announce (accept timer, `conversation.assigned`, the ticket in progress). */
  announce: z.optional(z.object({ operatorId: z.string().check(z.minLength(1)) })),
  /** The escalation of this attempt to publish (the conversation's stored `escalation.event`). */
  escalation: z.optional(z.object({ attempt: z.int().check(z.positive()) })),
});
export type FollowUps = z.infer<typeof followUpsSchema>;

/** The kinds of follow-up, as the reconciler counts what it had to finish. */
export type FollowUpKind = keyof FollowUps;
