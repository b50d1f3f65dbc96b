/**
 * The bot queue message: one citizen message for the bot to answer. FIFO message group is the
 * conversation, deduplication id the message id, so order holds and a re-sent job is dropped.
 * `afterIdentification`: the same message answered again now that the session is identified (the
 * guest was asked to identify first); its deduplication id and reply key are its own.
 */
import { langSchema } from './lang.ts';
import * as z from './zod.ts';

export const botJobSchema = z.object({
  conversationId: z.string().check(z.minLength(1)),
  messageId: z.string().check(z.minLength(1)),
  seq: z.int().check(z.positive()),
  sessionId: z.string().check(z.minLength(1)),
  lang: langSchema,
  afterIdentification: z.optional(z.literal(true)),
});
export type BotJob = z.infer<typeof botJobSchema>;
