/** Route `history.get`: the caller's own conversation's messages after `afterSeq`, with `hasMore`. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { readHistory } from '#domain/use-cases/read-history.ts';
import { historyGetFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  messages: new DynamoMessageRepository(config.messagesTable),
};
const route = frameRoute(historyGetFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    const history = await readHistory(deps, {
      caller,
      conversationId: frame.conversationId,
      afterSeq: frame.afterSeq,
      limit: frame.limit,
    });
    return route.answer(event, history);
  });
