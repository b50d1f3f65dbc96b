/**
 * Route `typing`: relays "typing" to the other side of the conversation (citizen ↔ assigned
 * operator), at most once per conversation and side per TYPING_RELAY_INTERVAL_MS. Answers nothing on
 * success; a frame about someone else's conversation answers its error.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoRelayThrottle } from '#adapters/dynamodb/relay-throttle.ts';
import { systemClock } from '#adapters/system.ts';
import { relayTyping } from '#domain/use-cases/relay-typing.ts';
import { typingFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { NoAnswer, RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  throttle: new DynamoRelayThrottle(config.idempotencyTable),
  clock: systemClock,
  intervalMs: config.typingRelayIntervalMs,
};
const route = frameRoute(typingFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse | NoAnswer>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    const outcome = await relayTyping(deps, { caller, conversationId: frame.conversationId });
    logger.debug('typing', { conversationId: frame.conversationId, status: outcome.status });
    return { statusCode: 200 };
  });
