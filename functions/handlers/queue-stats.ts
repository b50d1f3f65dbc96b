/**
 * Route `queue.stats` (operators, seniors): how many wait in each operator queue and for how long
 * the first in line has waited (the same frame is pushed to online operators when the queues move).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoWaitingLine } from '#adapters/dynamodb/operator-repository.ts';
import { systemClock } from '#adapters/system.ts';
import { readQueueStats } from '#domain/use-cases/dispatch-conversations.ts';
import { queueStatsFrameSchema } from '#events/operator-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = { line: new DynamoWaitingLine(config.conversationsTable), clock: systemClock };
const route = frameRoute(queueStatsFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => route.answer(event, await readQueueStats(deps)));
