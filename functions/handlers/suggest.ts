/**
 * Route `suggest`: up to 3 intents for the prefix the citizen is typing, from the knowledge base
 * in this function's layer. No table, no queue: the answer is computed in memory, so it takes
 * well under a millisecond once the module is warm. The prefix is never logged.
 */
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { createBot } from '#domain/bot/index.ts';
import { suggestIntents } from '#domain/use-cases/suggest-intents.ts';
import { suggestFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

// Loaded once per Lambda instance (module init): the knowledge base is validated and the model
// built here, so an invocation only ranks.
const deps = { bot: createBot(loadKnowledgeBase(config.knowledgeBaseDir)) };

export const handler = routeHandler(suggestFrameSchema, async ({ frame, caller }) =>
  suggestIntents(deps, { prefix: frame.text, lang: caller.lang }),
);
