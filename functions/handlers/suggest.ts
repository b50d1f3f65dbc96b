/**
 * Route `suggest`: up to 3 intents for the prefix the citizen is typing, from the knowledge base
 * in this function's layer. No table, no queue: the answer is computed in memory, so it takes
 * well under a millisecond once the module is warm. The prefix is never logged.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { createBot } from '#domain/bot/index.ts';
import { suggestIntents } from '#domain/use-cases/suggest-intents.ts';
import { suggestFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

// Loaded once per Lambda instance (module init): the knowledge base is validated and the model
// built here, so an invocation only ranks.
const deps = { bot: createBot(loadKnowledgeBase(config.knowledgeBaseDir)) };
const route = frameRoute(suggestFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    return route.answer(event, suggestIntents(deps, { prefix: frame.text, lang: caller.lang }));
  });
