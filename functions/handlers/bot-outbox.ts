/**
 * The bot outbox (the function BotDispatch): the transactional outbox of `message.send`. Triggered
 * by the MessagesTable stream, filtered to INSERTs of citizen messages stored alone while their
 * conversation was with the bot (`outbox = bot`; a message stored with its answer has no mark), after
 * a batching window, it waits for a turn the previous version still has under way (until its reply
 * is stored or its invocation's deadline), then queues the bot job of each message the bot has not
 * answered
 * (functions/domain/use-cases/queue-unanswered-message.ts)
 * — same message group (conversation) and deduplication id (message id) as any other send of it —
 * so a message whose sender died between its commit and its answer is still answered, and once.
 *
 * Records are handled one after another, in stream order: a conversation's jobs reach its FIFO group
 * in seq order. A failed record is reported (itemIdentifier = its SequenceNumber), and Lambda
 * resumes the shard from it; records after it are handled again, which deduplication absorbs.
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { SqsBotJobQueue } from '#adapters/bot-job-queue.ts';
import { DynamoBotReplies } from '#adapters/dynamodb/conversation-log.ts';
import { systemClock, timerSleeper } from '#adapters/system.ts';
import { awaitTurnsOver, queueUnansweredMessage } from '#domain/use-cases/queue-unanswered-message.ts';
import { messageStreamRecordSchema } from '#events/message-stream-record.ts';
import { config } from '#shared/config.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const replies = new DynamoBotReplies(config.idempotencyTable);
const deps = { log: replies, botJobs: new SqsBotJobQueue(config.botQueueUrl) };

async function queueIfUnanswered(record: DynamoDBRecord): Promise<void> {
  await queueUnansweredMessage(deps, messageStreamRecordSchema.parse(record).dynamodb.NewImage);
}

/**
 * The batch's `bot#` keys in one read, not one per record, then again for the turns still under way
 * in `message.send` until each is over (a record that does not parse fails alone, later).
 */
async function readBatchKeys(event: DynamoDBStreamEvent): Promise<void> {
  const messages = event.Records.flatMap((record) => {
    const parsed = messageStreamRecordSchema.safeParse(record);
    return parsed.success ? [parsed.data.dynamodb.NewImage] : [];
  });
  await awaitTurnsOver({ replies, clock: systemClock, sleeper: timerSleeper }, messages);
}

export const handler = streamHandler('dynamodb-stream', queueIfUnanswered, {
  failureMessage: 'bot jobs not queued',
  beforeBatch: readBatchKeys,
});
