/**
 * An operator queue's message (docs/architecture.md, "Assignment"): a conversation waiting in one SQS
 * FIFO queue per category and `senior` (group = conversationId, dedup = `entryId`). It stays in the
 * queue until the conversation is assigned, so the queue's oldest message is the longest real wait.
 */
import { escalationCategorySchema } from './escalation.ts';
import * as z from './zod.ts';

/** The operator queues: one per escalation category, and the seniors' own. */
export const operatorQueueNameSchema = z.enum([...escalationCategorySchema.options, 'senior']);

export const queueEntrySchema = z.object({
  conversationId: z.string().check(z.minLength(1)),
  queue: operatorQueueNameSchema,
  /** The conversation's `queueEntryId` when it was put here; any other value makes this message stale. */
  entryId: z.string().check(z.minLength(1)),
  queuedAt: z.iso.datetime(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;
