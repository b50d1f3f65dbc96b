/**
 * The timer queue's messages (docs/architecture.md, "Assignment"): one SQS standard queue whose
 * delayed messages are the SLA and grace timers, and whose undelayed ones are "capacity appeared"
 * signals from functions that free an operator's slot or queue a conversation. The timer consumer
 * (`functions/handlers/timer-consumer.ts`) parses each once with {@link timerMessageSchema}.
 */
import * as z from 'zod';
import { operatorQueueNameSchema } from './queue-entry.ts';

/** docs/requirements.md#sla: fires SLA_ASSIGN_SECONDS after the conversation started waiting in a category queue. */
const slaAssignTimerSchema = z.object({
  kind: z.literal('sla.assign'),
  conversationId: z.string().min(1),
  entryId: z.string().min(1),
  /** When the SLA runs out; a timer longer than SQS's 15-minute delay is sent again until then. */
  dueAt: z.iso.datetime(),
});

/** Fires OPERATOR_GRACE_SECONDS after an operator's last connection closed. */
const operatorGraceTimerSchema = z.object({
  kind: z.literal('operator.grace'),
  operatorId: z.string().min(1),
  /** The disconnect this timer is for: a later reconnect (and disconnect) makes it stale. */
  disconnectedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});

/** An operator's slot was freed (a ticket completed, a transfer): give them the next conversation. */
const operatorFreedSignalSchema = z.object({
  kind: z.literal('operator.freed'),
  operatorId: z.string().min(1),
});

/** A conversation arrived in a queue outside the assignment (a transfer): offer it to whoever is free. */
const queueArrivalSignalSchema = z.object({
  kind: z.literal('queue.arrival'),
  queue: operatorQueueNameSchema,
});

export const timerMessageSchema = z.discriminatedUnion('kind', [
  slaAssignTimerSchema,
  operatorGraceTimerSchema,
  operatorFreedSignalSchema,
  queueArrivalSignalSchema,
]);
export type TimerMessage = z.infer<typeof timerMessageSchema>;
export type SlaAssignTimer = z.infer<typeof slaAssignTimerSchema>;
export type OperatorGraceTimer = z.infer<typeof operatorGraceTimerSchema>;
