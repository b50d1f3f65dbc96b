/**
 * Route `operator.transfer`: the assigned operator hands the conversation to the senior queue or
 * another category's queue (dispatch releases their slot and queues it), with the reason as an
 * internal note; the citizen sees `conversation.updated` (queued). Answers `conversation.transferred`
 * and counts `Transfers` (EMF, the target as metadata).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DispatchConversationMover } from '#adapters/dispatch-wiring.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoNoteRepository } from '#adapters/dynamodb/note-repository.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { transferConversation } from '#domain/use-cases/transfer-conversation.ts';
import { operatorTransferFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  mover: new DispatchConversationMover(),
  notes: new DynamoNoteRepository(config.notesTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  clock: systemClock,
  ids: randomIds,
  retentionDays: config.messageRetentionDays,
};
const route = frameRoute(operatorTransferFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    const { frame: transferred, delivery } = await transferConversation(deps, {
      caller,
      conversationId: frame.conversationId,
      to: frame.to,
      reason: frame.reason,
    });
    // `Transfers` (C7 dashboard): to the senior queue is an operator flagging a case complex.
    const metric = metrics.singleMetric();
    metric.addMetadata('to', frame.to);
    metric.addMetric('Transfers', MetricUnit.Count, 1);
    // The reason is the operator's words about a citizen's case: never logged.
    logger.info('conversation transferred', {
      conversationId: transferred.conversationId,
      to: frame.to,
      ...delivery,
    });
    return route.answer(event, transferred);
  });
