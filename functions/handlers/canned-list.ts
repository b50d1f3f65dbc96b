/**
 * Route `canned.list`: canned answers for the query in the operator's language. The answers ship in
 * the knowledge-base layer (`canned/`) and are indexed once per instance; no table, no queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadCannedAnswers } from '#adapters/canned-answers.ts';
import { indexCannedAnswers } from '#domain/canned-answers.ts';
import { listCannedAnswers } from '#domain/use-cases/list-canned-answers.ts';
import { cannedListFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const index = indexCannedAnswers(loadCannedAnswers(config.cannedAnswersDir));
const route = frameRoute(cannedListFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    return route.answer(
      event,
      listCannedAnswers(index, { caller, ...(frame.query === undefined ? {} : { query: frame.query }) }),
    );
  });
