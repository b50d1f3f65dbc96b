/**
 * The MessagesTable stream record the bot outbox receives (NEW_IMAGE, AttributeValue form), parsed to
 * the stored message's fields a bot job needs. The mapping's filter lets only INSERTs of citizen
 * messages with the outbox mark through; the schema says so again, so a record of any other shape
 * fails loudly (and ends in the on-failure queue) instead of queueing a wrong job.
 */
import * as z from 'zod';
import { langSchema } from './lang.ts';

const string = z.object({ S: z.string().min(1) }).transform((v) => v.S);
const number = z.object({ N: z.string() }).transform((v) => Number(v.N));

const outboxImageSchema = z.object({
  conversationId: string,
  seq: number.pipe(z.number().int().positive()),
  messageId: string,
  from: z.object({ S: z.literal('citizen') }).transform((v) => v.S),
  sessionId: string,
  lang: z.object({ S: langSchema }).transform((v) => v.S),
  outbox: z.object({ S: z.literal('bot') }).transform((v) => v.S),
  // The deadline of the `message.send` invocation answering it (epoch ms); absent: nobody does.
  turnBy: number.pipe(z.number().int().positive()).optional(),
});

export const messageStreamRecordSchema = z.object({
  eventName: z.literal('INSERT'),
  dynamodb: z.object({ NewImage: outboxImageSchema, SequenceNumber: z.string() }),
});
