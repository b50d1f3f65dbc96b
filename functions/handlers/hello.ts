/**
 * Route `hello`: answers `welcome` with the session, its language, its open conversation and a
 * fresh resume token.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { JwtResumeTokenSigner } from '#adapters/resume-token-signer.ts';
import { resumeTokenKey } from '#adapters/secret-keys.ts';
import { systemClock } from '#adapters/system.ts';
import { randomResumeTokenSource } from '#domain/resume-tokens.ts';
import { greetSession } from '#domain/use-cases/greet-session.ts';
import { helloFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  clock: systemClock,
  tokenSource: randomResumeTokenSource,
  tokenPolicy: {
    ttlSeconds: config.resumeTokenTtlSeconds,
    graceSeconds: config.resumeTokenGraceSeconds,
  },
  signer: new JwtResumeTokenSigner(resumeTokenKey(config)),
};
const route = frameRoute(helloFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { caller } = route.input(event);
    return route.answer(event, await greetSession(deps, caller));
  });
