/**
 * The MessagesTable stream record the bot outbox receives (NEW_IMAGE, AttributeValue form), parsed to
 * the stored message's fields a bot job needs. The mapping's filter lets only INSERTs of citizen
 * messages with the outbox mark through; the schema says so again, so a record of any other shape
 * fails loudly (and ends in the on-failure queue) instead of queueing a wrong job.
 */
import { langSchema } from './lang.ts';
import * as z from './zod.ts';

const string = z.pipe(
  z.object({ S: z.string().check(z.minLength(1)) }),
  z.transform((v) => v.S),
);
const number = z.pipe(
  z.object({ N: z.string() }),
  z.transform((v) => Number(v.N)),
);

const outboxImageSchema = z.object({
  conversationId: string,
  seq: z.pipe(number, z.int().check(z.positive())),
  messageId: string,
  from: z.pipe(
    z.object({ S: z.literal('citizen') }),
    z.transform((v) => v.S),
  ),
  sessionId: string,
  lang: z.pipe(
    z.object({ S: langSchema }),
    z.transform((v) => v.S),
  ),
  outbox: z.pipe(
    z.object({ S: z.literal('bot') }),
    z.transform((v) => v.S),
  ),
  // The deadline of the `message.send` invocation answering it (epoch ms); absent: nobody does.
  turnBy: z.optional(z.pipe(number, z.int().check(z.positive()))),
});

export const messageStreamRecordSchema = z.object({
  eventName: z.literal('INSERT'),
  dynamodb: z.object({ NewImage: outboxImageSchema, SequenceNumber: z.string() }),
});
