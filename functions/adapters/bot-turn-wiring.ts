/**
 * A bot turn as the functions that answer citizen messages use it, wired from the configuration once
 * per Lambda: the bot over the knowledge base (a layer, validated on load), and the tables, the
 * `@connections` client and the escalation queue a turn reads and writes. The bot worker (a queued
 * job) and `message.send` (the message it has just stored) answer through the same parts, and report
 * each outcome the same way (`reportAnswer`).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createBot } from '#domain/bot/index.ts';
import { checklistPath } from '#domain/mfc/checklist-path.ts';
import { createMfcBot } from '#domain/mfc/mfc-bot.ts';
import type { FreshMessage, FreshMessageAnswerer, FreshReply } from '#domain/ports/bot.ts';
import {
  type AnswerOutcome,
  deliverFreshReply,
  type FreshTurnDeps,
  LeftToWorker,
  planFreshReply,
} from '#domain/use-cases/answer-citizen-message.ts';
import type { BotJob } from '#events/bot-job.ts';
import { config } from '#shared/config.ts';
import { countEscalation, logger, metrics } from '#shared/observability.ts';
import { ApiGatewayConnectionNotifier } from './connection-notifier.ts';
import { DynamoConnectionRepository } from './dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from './dynamodb/conversation-repository.ts';
import { DynamoFollowUpLedger } from './dynamodb/follow-up-ledger.ts';
import { DynamoMessageRepository } from './dynamodb/message-repository.ts';
import { SqsEscalationQueue } from './escalation-queue.ts';
import { loadKnowledgeBase } from './knowledge-base.ts';
import { loadMfcDirectory } from './mfc-directory.ts';
import { randomIds, systemClock, timerSleeper } from './system.ts';

export const conversationTables = () => ({
  sessionsTable: config.sessionsTable,
  conversationsTable: config.conversationsTable,
  messagesTable: config.messagesTable,
  idempotencyTable: config.idempotencyTable,
  compressBodies: config.compressMessageBodies,
});

/**
 * What a bot turn needs, with the bot built over the knowledge base and the MFC directory (both ship
 * in a layer and are validated on load): call once per Lambda instance. The portal's registry is
 * added by the bot worker alone (portal-answers-wiring.ts), which keeps its HTTPS client out of
 * `message.send`'s bundle and its 2 s timeout off the citizen's route.
 */
export function botTurnWiring(): FreshTurnDeps {
  const knowledgeBase = loadKnowledgeBase(config.knowledgeBaseDir);
  const pages = config.checklistPagesUrl;
  const directory = loadMfcDirectory(config.mfcDirectoryDir);
  const bot = createMfcBot(createBot(knowledgeBase), directory, {
    clock: systemClock,
    ...(pages
      ? { checklistUrl: (service, lang) => new URL(checklistPath(service.id, lang), pages).href }
      : {}),
  });
  return {
    messages: new DynamoMessageRepository(config.messagesTable),
    conversations: new DynamoConversationRepository(config.conversationsTable),
    connections: new DynamoConnectionRepository(config.connectionsTable),
    notifier: new ApiGatewayConnectionNotifier({
      endpoint: config.wsConnectionsEndpoint,
      timeoutMs: config.postTimeoutMs,
    }),
    escalations: new SqsEscalationQueue(config.escalationQueueUrl),
    ledger: new DynamoFollowUpLedger(config.conversationsTable),
    responder: bot,
    dialogue: knowledgeBase.dialogue,
    // The registry is the worker's (portal-answers-wiring.ts): `message.send` hands it those turns.
    ...(config.portalRegistryUrl || config.portalRegistrySampleFile ? { registryElsewhere: true } : {}),
    clock: systemClock,
    ids: randomIds,
    sleeper: timerSleeper,
    retentionDays: config.messageRetentionDays,
    pendingQuestionTtlSeconds: config.pendingQuestionTtlSeconds,
  };
}

/** Metrics and the log line of one answered job (never the text: ids, intent, counts). */
export function reportAnswer(
  outcome: AnswerOutcome,
  ids: { conversationId: string; messageId: string },
): void {
  if (outcome.status === 'answered') {
    const { reply, firstResponseMs, delivery, escalation } = outcome;
    // None for an answer after identification: the citizen asked long before, as a guest.
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

/**
 * `message.send`'s bot (functions/domain/ports/bot.ts): decides the turn before the message is
 * stored, delivers and reports it after; a failure is logged, not thrown.
 */
export class ReportingFreshMessageAnswerer implements FreshMessageAnswerer {
  constructor(private readonly deps: FreshTurnDeps) {}

  async plan(job: BotJob, fresh: FreshMessage): Promise<FreshReply | undefined> {
    try {
      return await planFreshReply(this.deps, job, fresh);
    } catch (error) {
      const ids = { conversationId: job.conversationId, messageId: job.messageId };
      if (error instanceof LeftToWorker)
        logger.info('bot turn needs the portal registry: the job is queued', ids);
      else logger.warn('bot turn not decided in message.send: the job is queued', { ...ids, error });
      return undefined;
    }
  }

  async deliver(job: BotJob, fresh: FreshMessage, reply: FreshReply, acked: boolean): Promise<boolean> {
    const ids = { conversationId: job.conversationId, messageId: job.messageId };
    let outcome: AnswerOutcome | undefined;
    if (acked) {
      try {
        outcome = await deliverFreshReply(this.deps, job, fresh, reply);
      } catch (error) {
        logger.warn('bot reply stored but not delivered in message.send: the job is queued', {
          ...ids,
          error,
        });
      }
    } else logger.info('ack not posted early: the stored bot reply is left to the worker', ids);
    // Stored either way: the turn is reported here (the worker's re-post reports nothing new). A
    // failure to report it must not queue the job (the worker would post again).
    try {
      reportAnswer(outcome ?? storedNotPosted(reply), ids);
    } catch (error) {
      logger.warn('bot answer not reported', { ...ids, error });
    }
    return outcome !== undefined;
  }
}

/** A turn stored with its message whose reply was not posted: its metrics but a first response. */
function storedNotPosted(reply: FreshReply): AnswerOutcome {
  const [first] = reply.append.messages;
  if (!first) throw new Error('a bot turn says something');
  return {
    status: 'answered',
    reply: first,
    messages: reply.append.messages,
    delivery: { delivered: 0, gone: 0, failed: 0 },
    ...(reply.escalation ? { escalation: reply.escalation } : {}),
  };
}
