/**
 * The dispatcher's queue messages (docs/architecture.md, "Dispatch").
 *
 * - {@link queueEntrySchema}: a conversation waiting in an operator queue (one SQS FIFO queue per
 *   category and `senior`; group = conversationId, dedup = `entryId`). It stays in the queue until
 *   the conversation is assigned, so the queue's oldest message is the longest real wait.
 * - {@link dispatchTimerSchema}: the dispatch queue (standard, delayed messages): SLA and grace
 *   timers, and "capacity appeared" signals (no delay) from functions that free an operator's slot.
 */
import * as z from 'zod';

const queueName = z.enum(['auth', 'applications', 'documents', 'legal', 'mfc', 'general', 'senior']);

export const queueEntrySchema = z.object({
  conversationId: z.string().min(1),
  queue: queueName,
  /** The conversation's `queueEntryId` when it was put here; any other value makes this message stale. */
  entryId: z.string().min(1),
  queuedAt: z.iso.datetime(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

/** C7: fires SLA_ASSIGN_SECONDS after the conversation started waiting in a category queue. */
export const slaAssignTimerSchema = z.object({
  kind: z.literal('sla.assign'),
  conversationId: z.string().min(1),
  entryId: z.string().min(1),
  /** When the SLA runs out; a timer longer than SQS's 15-minute delay is sent again until then. */
  dueAt: z.iso.datetime(),
});

/** Fires OPERATOR_GRACE_SECONDS after an operator's last connection closed. */
export const operatorGraceTimerSchema = z.object({
  kind: z.literal('operator.grace'),
  operatorId: z.string().min(1),
  /** The disconnect this timer is for: a later reconnect (and disconnect) makes it stale. */
  disconnectedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});

/** An operator's slot was freed (a ticket completed, a transfer): give them the next conversation. */
export const operatorFreedSignalSchema = z.object({
  kind: z.literal('operator.freed'),
  operatorId: z.string().min(1),
});

/** A conversation arrived in a queue outside the dispatcher (a transfer): offer it to whoever is free. */
export const queueArrivalSignalSchema = z.object({
  kind: z.literal('queue.arrival'),
  queue: queueName,
});

export const dispatchTimerSchema = z.discriminatedUnion('kind', [
  slaAssignTimerSchema,
  operatorGraceTimerSchema,
  operatorFreedSignalSchema,
  queueArrivalSignalSchema,
]);
export type DispatchTimer = z.infer<typeof dispatchTimerSchema>;
export type SlaAssignTimer = z.infer<typeof slaAssignTimerSchema>;
export type OperatorGraceTimer = z.infer<typeof operatorGraceTimerSchema>;
