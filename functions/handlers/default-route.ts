/**
 * Route `$default`: every frame whose `action` selects no route. Not JSON → BAD_REQUEST (from the
 * frame middleware); any JSON object → UNKNOWN_ACTION. The connection stays open either way.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ChatError } from '#domain/errors.ts';
import { unroutedFrameSchema } from '#events/client-frames.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const route = frameRoute(unroutedFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async () => {
    throw new ChatError('UNKNOWN_ACTION');
  });
