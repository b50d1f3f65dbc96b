/**
 * The timer queue's messages (docs/architecture.md, "Assignment"): one SQS standard queue whose
 * delayed messages are the SLA, grace, presence-lease, accept and first-reply timers and the line
 * ticks, and whose undelayed ones are "capacity appeared" signals from functions that free an
 * operator's slot or queue a conversation. The timer consumer
 * (`functions/handlers/timer-consumer.ts`) parses each once with {@link timerMessageSchema}.
 */
import { operatorQueueNameSchema } from './queue-entry.ts';
import * as z from './zod.ts';

/** docs/requirements.md#sla: fires SLA_ASSIGN_SECONDS after the conversation started waiting in a category queue. */
const slaAssignTimerSchema = z.object({
  kind: z.literal('sla.assign'),
  conversationId: z.string().check(z.minLength(1)),
  entryId: z.string().check(z.minLength(1)),
  /** When the SLA runs out; a timer longer than SQS's 15-minute delay is sent again until then. */
  dueAt: z.iso.datetime(),
});

/** Fires OPERATOR_GRACE_SECONDS after an operator's last connection closed. */
const operatorGraceTimerSchema = z.object({
  kind: z.literal('operator.grace'),
  operatorId: z.string().check(z.minLength(1)),
  /** The disconnect this timer is for: a later reconnect (and disconnect) makes it stale. */
  disconnectedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});

/**
 * Watches an operator's presence lease: fires at the lease's end plus OPERATOR_GRACE_SECONDS. Renewed
 * meanwhile → sent again for the new end; lapsed → the operator goes offline and what they hold goes
 * back to the front of its queue. `watchId` names the one chain of the operator's last `operator.status`.
 */
const operatorLeaseTimerSchema = z.object({
  kind: z.literal('operator.lease'),
  operatorId: z.string().check(z.minLength(1)),
  watchId: z.string().check(z.minLength(1)),
  dueAt: z.iso.datetime(),
});

/** Fires ACCEPT_SECONDS after an assignment: still not accepted → back to the front of its queue. */
const assignmentAcceptTimerSchema = z.object({
  kind: z.literal('assignment.accept'),
  conversationId: z.string().check(z.minLength(1)),
  operatorId: z.string().check(z.minLength(1)),
  /** The assignment this timer is for: a later one (after a requeue) makes it stale. */
  assignedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});

/** Fires FIRST_REPLY_SECONDS after an acceptance: no operator reply since → a missed first reply. */
const firstReplyTimerSchema = z.object({
  kind: z.literal('assignment.firstReply'),
  conversationId: z.string().check(z.minLength(1)),
  operatorId: z.string().check(z.minLength(1)),
  acceptedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});

/** An operator's slot was freed (a ticket completed, a transfer): give them the next conversation. */
const operatorFreedSignalSchema = z.object({
  kind: z.literal('operator.freed'),
  operatorId: z.string().check(z.minLength(1)),
});

/** A conversation arrived in a queue outside the assignment (a transfer): offer it to whoever is free. */
const queueArrivalSignalSchema = z.object({
  kind: z.literal('queue.arrival'),
  queue: operatorQueueNameSchema,
});

/**
 * The line tick of one period (LINE_TICK_SECONDS): once per period at most, while anyone waits or
 * the line changed, `queue.stats` to the online operators and places in line to the waiting
 * citizens, each only when theirs changed (`places-in-line.ts`). `periodStart` names the period:
 * its tick item is claimed once to schedule it and once to run it.
 */
const lineTickSchema = z.object({
  kind: z.literal('line.tick'),
  periodStart: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});

export const timerMessageSchema = z.discriminatedUnion('kind', [
  slaAssignTimerSchema,
  operatorGraceTimerSchema,
  operatorLeaseTimerSchema,
  assignmentAcceptTimerSchema,
  firstReplyTimerSchema,
  operatorFreedSignalSchema,
  queueArrivalSignalSchema,
  lineTickSchema,
]);
export type TimerMessage = z.infer<typeof timerMessageSchema>;
export type SlaAssignTimer = z.infer<typeof slaAssignTimerSchema>;
export type OperatorGraceTimer = z.infer<typeof operatorGraceTimerSchema>;
export type OperatorLeaseTimer = z.infer<typeof operatorLeaseTimerSchema>;
export type AssignmentAcceptTimer = z.infer<typeof assignmentAcceptTimerSchema>;
export type FirstReplyTimer = z.infer<typeof firstReplyTimerSchema>;
export type LineTick = z.infer<typeof lineTickSchema>;
