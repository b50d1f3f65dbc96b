/**
 * BotWorker: consumes the bot FIFO queue. Records run in order; a failed record fails the rest of
 * its message group in the batch (`skipGroupOnError`), so a conversation's order holds while other
 * conversations go on. Each job is answered once however often it is delivered. It also runs the
 * intake before a handover and puts queued conversations on the escalation queue.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SqsRedelivery } from '#adapters/bot-job-queue.ts';
import { botTurnWiring, conversationTables, reportAnswer } from '#adapters/bot-turn-wiring.ts';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { DynamoBotTurnLog } from '#adapters/dynamodb/conversation-log.ts';
import { portalAnswersWiring } from '#adapters/portal-answers-wiring.ts';
import { redeliveryDelaySeconds } from '#domain/retry.ts';
import { answerCitizenMessage } from '#domain/use-cases/answer-citizen-message.ts';
import { botJobSchema } from '#events/bot-job.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

// Built once per Lambda instance: the knowledge base and the MFC directory ship in a layer and are
// validated on load.
const deps = {
  ...botTurnWiring(),
  log: new DynamoBotTurnLog(conversationTables()),
  ...portalAnswersWiring(),
  jobContext: new DynamoBotJobContextReader(conversationTables()),
};

const redelivery = new SqsRedelivery(config.botQueueUrl);

async function answerJob(record: SQSRecord): Promise<void> {
  const job = botJobSchema.parse(JSON.parse(record.body));
  const outcome = await answerCitizenMessage(deps, job);
  reportAnswer(outcome, { conversationId: job.conversationId, messageId: job.messageId });
}

export const handler = streamHandler('sqs-fifo', answerJob, {
  metrics: true,
  afterBatch: scheduleRedelivery,
});

/** Failed jobs (and the rest of their group) come back in seconds, not after the visibility timeout. */
async function scheduleRedelivery(event: SQSEvent, response: SQSBatchResponse): Promise<void> {
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  await Promise.all(
    event.Records.filter((record) => failed.has(record.messageId)).map(async (record) => {
      const seconds = redeliveryDelaySeconds(Number(record.attributes.ApproximateReceiveCount));
      try {
        await redelivery.retryAfter(record.receiptHandle, seconds);
      } catch (error) {
        // The visibility timeout still brings it back, only later.
        logger.warn('could not shorten the redelivery delay', { messageId: record.messageId, error });
      }
    }),
  );
}
