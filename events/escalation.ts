/**
 * The escalation queue message: one conversation handed from the bot to the operators' side, with
 * the intake the bot collected. Produced by the bot worker (and `operator.request`) when a
 * conversation becomes `queued`; consumed by the assignment, which creates the ticket and
 * routes by `category`. FIFO message group = conversationId, deduplication id =
 * `{conversationId}#{attempt}` ({@link escalationDeduplicationId}), so a re-sent event is dropped
 * and a later escalation of the same conversation is not.
 */
import { langSchema } from './lang.ts';
import * as z from './zod.ts';

/** The operator queues of docs/requirements.md#escalation (seniors have their own, chosen by the assignment). */
export const escalationCategorySchema = z.enum([
  'auth',
  'applications',
  'documents',
  'legal',
  'mfc',
  'general',
]);
export type EscalationCategory = z.infer<typeof escalationCategorySchema>;

/** Why the conversation goes to a person. */
export const escalationReasonSchema = z.enum([
  /** The citizen asked for a person (a message, or the `operator.request` action). */
  'citizen_request',
  /** "не помогло": the problem came back after the bot's answer. */
  'not_helped',
  /** The bot did not understand twice in a row. */
  'repeated_fallback',
  /** The intent is one only an operator may handle (a complaint, a refusal). */
  'operator_only',
]);
export type EscalationReason = z.infer<typeof escalationReasonSchema>;

/** docs/protocol.md intake: what the operator needs. `problem` is always there (the citizen's words). */
export const intakeSchema = z.object({
  service: z.optional(z.string().check(z.minLength(1))),
  problem: z.string().check(z.minLength(1)),
  /** «дд.мм.гггг чч:мм» when the citizen gave a date, else their words. */
  occurredAt: z.optional(z.string().check(z.minLength(1))),
  errorCode: z.optional(z.string().check(z.minLength(1))),
  desiredResult: z.optional(z.string().check(z.minLength(1))),
  attachmentIds: z.optional(z.array(z.string().check(z.minLength(1)))),
});
export type CollectedIntake = z.infer<typeof intakeSchema>;

export const escalationEventSchema = z.object({
  conversationId: z.string().check(z.minLength(1)),
  sessionId: z.string().check(z.minLength(1)),
  /** 1 for the conversation's first escalation; the consumer is idempotent on (conversationId, attempt). */
  attempt: z.int().check(z.positive()),
  category: escalationCategorySchema,
  reason: escalationReasonSchema,
  /** The intent the bot recognised (docs/requirements.md#intent-catalogue), when there was one. */
  intent: z.optional(z.string().check(z.minLength(1))),
  intake: intakeSchema,
  lang: langSchema,
  escalatedAt: z.iso.datetime(),
});
export type EscalationEvent = z.infer<typeof escalationEventSchema>;

/**
 * What the escalation queue carries: ids only. The escalation itself — its intake is the citizen's
 * words — stays on the conversation (`escalation`), where the consumer reads it; so an erasure of the
 * conversation erases it, and neither the queue nor its dead-letter queue holds what the citizen
 * wrote. A message whose conversation no longer carries that attempt (erased, or escalated again)
 * is dropped. A message of the earlier shape (the whole event) parses too: its extra fields are
 * ignored.
 */
export const escalationMessageSchema = z.pick(escalationEventSchema, { conversationId: true, attempt: true });
export type EscalationMessage = z.infer<typeof escalationMessageSchema>;

export function escalationDeduplicationId(
  event: Pick<EscalationEvent, 'conversationId' | 'attempt'>,
): string {
  return `${event.conversationId}#${event.attempt}`;
}
