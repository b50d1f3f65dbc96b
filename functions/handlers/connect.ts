/** Route `$connect`: stores the session (if new) and the connection the authorizer admitted. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { systemClock } from '#adapters/system.ts';
import { openConnection } from '#domain/use-cases/open-connection.ts';
import { callerSchema } from '#events/authorizer-context.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import type { WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  clock: systemClock,
  retentionDays: config.messageRetentionDays,
};

export const handler = middy<WebSocketRouteEvent, { statusCode: number }>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const { connectionId, connectedAt } = event.requestContext;
    await openConnection(deps, {
      connectionId,
      caller: callerSchema.parse(event.requestContext.authorizer),
      connectedAt: new Date(connectedAt),
    });
    return { statusCode: 200 };
  });
