/** Route `$disconnect`: forgets the connection (idempotent). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { closeConnection } from '#domain/use-cases/close-connection.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import type { WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = { connections: new DynamoConnectionRepository(config.connectionsTable) };

export const handler = middy<WebSocketRouteEvent, { statusCode: number }>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    await closeConnection(deps, event.requestContext.connectionId);
    return { statusCode: 200 };
  });
