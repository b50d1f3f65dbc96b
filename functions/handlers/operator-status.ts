/**
 * Route `operator.status` (operators, seniors): online / away / offline, with skills and maxChats.
 * Going online takes the waiting conversations the free slots allow (`conversation.assigned` is
 * pushed first); offline hands back what the operator holds. Answers `operator.state`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { dispatchDeps } from '#adapters/dispatch-wiring.ts';
import { setOperatorStatus } from '#domain/use-cases/set-operator-status.ts';
import { operatorStatusFrameSchema } from '#events/operator-frames.ts';
import { logger, metrics } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = dispatchDeps();
const route = frameRoute(operatorStatusFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    const state = await setOperatorStatus(deps, {
      caller,
      status: frame.status,
      ...(frame.skills ? { skills: frame.skills } : {}),
      ...(frame.maxChats ? { maxChats: frame.maxChats } : {}),
    });
    logger.info('operator status', {
      operatorId: caller.principalId,
      status: state.status,
      activeChats: state.activeChats,
    });
    return route.answer(event, state);
  });
