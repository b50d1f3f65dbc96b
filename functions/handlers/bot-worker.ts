/**
 * BotWorker: consumes the bot FIFO queue. Records run in order; a failed record fails the rest of
 * its message group in the batch (`skipGroupOnError`), so a conversation's order holds while other
 * conversations go on. Each job is answered once however often it is delivered. It also runs the
 * intake before a handover and puts queued conversations on the escalation queue.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SqsRedelivery } from '#adapters/bot-job-queue.ts';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { DynamoCitizenVisits } from '#adapters/dynamodb/citizen-visits.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoFollowUpLedger } from '#adapters/dynamodb/follow-up-ledger.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { SqsEscalationQueue } from '#adapters/escalation-queue.ts';
import { HmacCitizenIds } from '#adapters/identity-hasher.ts';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { HttpPortalRegistry, SampleDataPortalRegistry } from '#adapters/portal-registry.ts';
import { portalRegistryToken } from '#adapters/portal-registry-token.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { createBot } from '#domain/bot/index.ts';
import { checklistPath } from '#domain/mfc/checklist-path.ts';
import { createMentionReader } from '#domain/mfc/mentions.ts';
import { createMfcBot } from '#domain/mfc/mfc-bot.ts';
import { answerApplications } from '#domain/portal/application-answers.ts';
import type { PortalRegistry } from '#domain/ports/portal-registry.ts';
import { redeliveryDelaySeconds } from '#domain/retry.ts';
import { type AnswerOutcome, answerCitizenMessage } from '#domain/use-cases/answer-citizen-message.ts';
import { botJobSchema } from '#events/bot-job.ts';
import { config } from '#shared/config.ts';
import { countEscalation, logger, metrics } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

// Loaded once per Lambda instance: the knowledge base and the MFC directory ship in a layer and
// are validated on load.
const knowledgeBase = loadKnowledgeBase(config.knowledgeBaseDir);
const pages = config.checklistPagesUrl;
const directory = loadMfcDirectory(config.mfcDirectoryDir);
const bot = createMfcBot(createBot(knowledgeBase), directory, {
  clock: systemClock,
  ...(pages ? { checklistUrl: (service, lang) => new URL(checklistPath(service.id, lang), pages).href } : {}),
});

/** The portal's registry: its HTTPS API when configured, the sample dataset on the local stack, or none. */
function portalRegistry(): PortalRegistry | undefined {
  const url = config.portalRegistryUrl;
  if (url)
    return new HttpPortalRegistry({
      baseUrl: url,
      timeoutMs: config.portalRegistryTimeoutMs,
      token: portalRegistryToken({
        token: config.portalRegistryToken,
        secretId: config.portalRegistryTokenSecretId,
      }),
    });
  const sample = config.portalRegistrySampleFile;
  if (!sample) return undefined;
  // The sample is the local stack's, where the citizen-id key is in the environment (AUTH_HMAC_KEY);
  // read as secret-keys.ts reads it, without bundling the Secrets Manager client it would need in AWS.
  const key = config.authHmacKey;
  if (!key) throw new Error('the portal registry sample needs AUTH_HMAC_KEY');
  const bytes = new TextEncoder().encode(key);
  const citizenIds = new HmacCitizenIds(async () => bytes);
  return new SampleDataPortalRegistry(sample, (destination) => citizenIds.citizenId(destination));
}
const registry = portalRegistry();
const mentions = createMentionReader(directory);
// The citizen's MFC visits, mentioned with their applications.
const visits = { citizenVisits: new DynamoCitizenVisits(config.visitsTable), directory, clock: systemClock };

const tables = {
  sessionsTable: config.sessionsTable,
  conversationsTable: config.conversationsTable,
  messagesTable: config.messagesTable,
  idempotencyTable: config.idempotencyTable,
};

const deps = {
  jobContext: new DynamoBotJobContextReader(tables),
  messages: new DynamoMessageRepository(config.messagesTable),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  log: new DynamoConversationLog(tables),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  escalations: new SqsEscalationQueue(config.escalationQueueUrl),
  ledger: new DynamoFollowUpLedger(config.conversationsTable),
  responder: bot,
  dialogue: knowledgeBase.dialogue,
  ...(registry
    ? {
        applicationAnswers: (citizenId: string, text: string, lang: 'ru' | 'en') =>
          answerApplications({ registry, mentions, visits }, citizenId, text, lang),
      }
    : {}),
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: config.messageRetentionDays,
  pendingQuestionTtlSeconds: config.pendingQuestionTtlSeconds,
};

const redelivery = new SqsRedelivery(config.botQueueUrl);

async function answerJob(record: SQSRecord): Promise<void> {
  const job = botJobSchema.parse(JSON.parse(record.body));
  const outcome = await answerCitizenMessage(deps, job);
  report(outcome, { conversationId: job.conversationId, messageId: job.messageId });
}

function report(outcome: AnswerOutcome, ids: { conversationId: string; messageId: string }): void {
  if (outcome.status === 'answered') {
    const { reply, firstResponseMs, delivery, escalation } = outcome;
    if (firstResponseMs !== undefined)
      metrics.addMetric('FirstResponseTime', MetricUnit.Milliseconds, firstResponseMs);
    // An intake question has no intent: only the bot's own answers count as its understanding.
    if (reply.intent !== undefined) {
      metrics.addMetric('BotConfidence', MetricUnit.NoUnit, reply.confidence ?? 0);
      // One EMF document per reply so the intent rides along as metadata, not as a dimension.
      const intentMetric = metrics.singleMetric();
      intentMetric.addMetadata('intent', reply.intent);
      intentMetric.addMetric('BotIntent', MetricUnit.Count, 1);
    }
    if (escalation) countEscalation(escalation);
    logger.info('bot answered', {
      ...ids,
      intent: reply.intent,
      seq: reply.seq,
      messages: outcome.messages.length,
      ...(escalation ? { escalated: escalation.reason, attempt: escalation.attempt } : {}),
      ...delivery,
    });
    return;
  }
  logger.info('bot job settled without a new answer', { ...ids, ...outcome });
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
