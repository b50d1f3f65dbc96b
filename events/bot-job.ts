/**
 * The bot queue message: one citizen message for the bot to answer. FIFO message group is the
 * conversation, deduplication id the message id, so order holds and a re-sent job is dropped.
 */
import * as z from 'zod';
import { langSchema } from './lang.ts';

export const botJobSchema = z.object({
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  seq: z.number().int().positive(),
  sessionId: z.string().min(1),
  lang: langSchema,
});
export type BotJob = z.infer<typeof botJobSchema>;
