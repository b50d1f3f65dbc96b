/**
 * Route `$disconnect`: forgets the connection (idempotent). When it was an operator's last
 * connection, starts their grace timer: their conversations go back to the queue only if they do
 * not come back within OPERATOR_GRACE_SECONDS (`note-operator-disconnect.ts`).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoOperatorRepository } from '#adapters/dynamodb/operator-repository.ts';
import { systemClock } from '#adapters/system.ts';
import { SqsTimerQueue } from '#adapters/timer-queue.ts';
import { closeConnection } from '#domain/use-cases/close-connection.ts';
import { noteOperatorDisconnect } from '#domain/use-cases/note-operator-disconnect.ts';
import { callerSchema } from '#events/authorizer-context.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import type { WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const connections = new DynamoConnectionRepository(config.connectionsTable);
const deps = { connections };
const operatorDeps = {
  connections,
  operators: new DynamoOperatorRepository(config.operatorsTable),
  timers: new SqsTimerQueue(config.timerQueueUrl),
  clock: systemClock,
  graceSeconds: config.operatorGraceSeconds,
};

export const handler = middy<WebSocketRouteEvent, { statusCode: number }>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const { connectionId } = event.requestContext;
    await closeConnection(deps, connectionId);
    const caller = callerSchema.safeParse(event.requestContext.authorizer);
    if (caller.success && (caller.data.role === 'operator' || caller.data.role === 'senior')) {
      const outcome = await noteOperatorDisconnect(operatorDeps, {
        connectionId,
        principalId: caller.data.principalId,
        role: caller.data.role,
      });
      logger.info('operator disconnected', { operatorId: caller.data.principalId, outcome });
    }
    return { statusCode: 200 };
  });
