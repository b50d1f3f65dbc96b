/**
 * Route `operator.request`: the citizen asks for a person. Starts the handover of their open
 * conversation (or a new one) as the bot worker does — the bot's handover message and the intake,
 * or the escalation queue when nothing is left to ask — and answers `conversation.updated`.
 * Idempotent: a conversation already collecting the intake or queued answers its state.
 */

import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoBotTurnLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoFollowUpLedger } from '#adapters/dynamodb/follow-up-ledger.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { SqsEscalationQueue } from '#adapters/escalation-queue.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { createBot } from '#domain/bot/index.ts';
import { requestOperator } from '#domain/use-cases/request-operator.ts';
import { operatorRequestFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { countEscalation, logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

// Loaded once per Lambda instance: what the bot says at a handover and the intake questions.
const knowledgeBase = loadKnowledgeBase(config.knowledgeBaseDir);

const tables = {
  sessionsTable: config.sessionsTable,
  conversationsTable: config.conversationsTable,
  messagesTable: config.messagesTable,
  // Bot turns of this route write no idempotency key: the conversation's state is what makes a
  // repeated request harmless. The log's constructor still names the table.
  idempotencyTable: 'unused',
  compressBodies: config.compressMessageBodies,
};

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  targets: new DynamoSessionTargetReader(tables),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  messages: new DynamoMessageRepository(config.messagesTable),
  log: new DynamoBotTurnLog(tables),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  escalations: new SqsEscalationQueue(config.escalationQueueUrl),
  ledger: new DynamoFollowUpLedger(config.conversationsTable),
  speaker: createBot(knowledgeBase),
  dialogue: knowledgeBase.dialogue,
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: config.messageRetentionDays,
};

export const handler = routeHandler(
  operatorRequestFrameSchema,
  async ({ frame, caller, connectionId }) => {
    const outcome = await requestOperator(deps, {
      caller,
      connectionId,
      ...(frame.reason === undefined ? {} : { reason: frame.reason }),
    });
    if (outcome.escalation) countEscalation(outcome.escalation);
    logger.info('operator requested', {
      conversationId: outcome.frame.conversationId,
      state: outcome.frame.state,
      started: outcome.started,
    });
    return outcome.frame;
  },
  { metrics: true, limits: sharedFrameLimits() },
);
