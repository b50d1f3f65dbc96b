/**
 * The bot outbox (the function BotDispatch): the transactional outbox of `message.send`. Triggered
 * by the MessagesTable stream, filtered to INSERTs of citizen messages committed while their
 * conversation was with the bot (`outbox = bot`), it queues the same bot job `message.send` queues right after its commit — same
 * message group (conversation) and deduplication id (message id) — so a message whose sender died
 * between commit and `SendMessage` is still answered, and one whose job made it is answered once
 * (FIFO deduplication within 5 minutes, the worker's `bot#{messageId}` after that).
 *
 * Records are sent one after another, in stream order: a conversation's jobs reach its FIFO group
 * in seq order. A failed record is reported (itemIdentifier = its SequenceNumber), and Lambda
 * resumes the shard from it; records after it are sent again, which deduplication absorbs.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { SqsBotJobQueue } from '#adapters/bot-job-queue.ts';
import { botJobFor } from '#domain/bot-jobs.ts';
import { messageStreamRecordSchema } from '#events/message-stream-record.ts';
import { config } from '#shared/config.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const botJobs = new SqsBotJobQueue(config.botQueueUrl);

async function queueBotJob(record: DynamoDBRecord): Promise<void> {
  const message = messageStreamRecordSchema.parse(record).dynamodb.NewImage;
  await botJobs.enqueue(botJobFor(message, message));
}

export const handler = streamHandler('dynamodb-stream', queueBotJob, {
  failureMessage: 'bot jobs not queued',
});
