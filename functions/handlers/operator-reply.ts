/**
 * Route `operator.reply`: the assigned operator's message to the citizen, stored in the conversation's
 * seq (idempotent on clientMessageId) and pushed to the citizen's connections; answers `message.ack`.
 * A reply to a conversation not accepted yet accepts it first (`accept-assignment.ts`).
 * The conversation's first operator reply is a first response (docs/requirements.md#sla): `FirstResponseTime`, measured
 * from the assignment.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { acceptanceDeps } from '#adapters/assignment-wiring.ts';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { acceptOnReply } from '#domain/use-cases/accept-assignment.ts';
import { replyAsOperator } from '#domain/use-cases/reply-as-operator.ts';
import { operatorReplyFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  log: new DynamoConversationLog({
    // Operator replies never open a conversation, so the session table is never written. The log's
    // constructor still names it (a literal, as operator-request does for idempotency: a variable
    // would have to agree with every function sharing the local process).
    sessionsTable: 'unused',
    conversationsTable: config.conversationsTable,
    messagesTable: config.messagesTable,
    idempotencyTable: config.idempotencyTable,
    compressBodies: config.compressMessageBodies,
  }),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: config.messageRetentionDays,
};

const acceptance = acceptanceDeps();

export const handler = routeHandler(
  operatorReplyFrameSchema,
  async ({ frame, caller, connectionId }) => {
    // A reply before `conversation.accept` accepts (consoles that predate it keep working).
    await acceptOnReply(acceptance, { caller, conversationId: frame.conversationId });
    const outcome = await replyAsOperator(deps, {
      caller,
      connectionId,
      conversationId: frame.conversationId,
      clientMessageId: frame.clientMessageId,
      text: frame.text,
      ...(frame.attachmentIds === undefined ? {} : { attachmentIds: frame.attachmentIds }),
    });
    if (outcome.firstResponseMs !== undefined) {
      // The same metric as the bot's first answers, so one p90 alarm covers both (docs/requirements.md#sla, docs/requirements.md#alarms).
      const metric = metrics.singleMetric();
      metric.addMetadata('responder', 'operator');
      if (outcome.ticketId !== undefined) metric.addMetadata('ticketId', outcome.ticketId);
      metric.addMetric('FirstResponseTime', MetricUnit.Milliseconds, outcome.firstResponseMs);
    }
    logger.info('operator replied', {
      conversationId: outcome.ack.conversationId,
      seq: outcome.ack.seq,
      stored: outcome.stored,
      ...outcome.delivery,
    });
    return { type: 'message.ack', ...outcome.ack };
  },
  { metrics: true, presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
