/**
 * Route `operator.next` (operators, seniors): takes the longest-waiting conversation of the caller's
 * queues by hand, with the same exactly-once assignment as automatic dispatch. Answers
 * `conversation.assigned`, or `queue.empty` when nobody waits.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { dispatchDeps } from '#adapters/dispatch-wiring.ts';
import { takeNextConversation } from '#domain/use-cases/take-next-conversation.ts';
import { operatorNextFrameSchema } from '#events/operator-frames.ts';
import { logger, metrics } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = dispatchDeps();
const route = frameRoute(operatorNextFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(route.middleware)
  .handler(async (event) => {
    const { caller, connectionId } = route.input(event);
    const frame = await takeNextConversation(deps, { caller, connectionId });
    logger.info('operator took next', {
      operatorId: caller.principalId,
      ...(frame.type === 'conversation.assigned'
        ? { conversationId: frame.conversation.conversationId }
        : { empty: true }),
    });
    return route.answer(event, frame);
  });
