/**
 * Route `session.end`: signs the caller's session out — its resume tokens and the push devices
 * registered in it revoked, `session.ended` answered, every connection of the session closed.
 */

import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { pushEndpointRegistry } from '#adapters/push-endpoints.ts';
import { systemClock } from '#adapters/system.ts';
import { endSession } from '#domain/use-cases/end-session.ts';
import { sessionEndFrameSchema } from '#events/session-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { noAnswer, routeHandler } from '#shared/websocket/route-handler.ts';

const gateway = new ApiGatewayConnectionNotifier({
  endpoint: config.wsConnectionsEndpoint,
  timeoutMs: config.postTimeoutMs,
});

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
  // Deleting an endpoint names no platform application.
  registry: pushEndpointRegistry({ localOutboxUrl: config.localOutboxUrl, applications: {} }),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: gateway,
  closer: gateway,
  clock: systemClock,
};

export const handler = routeHandler(
  sessionEndFrameSchema,
  async ({ frame, caller, connectionId }) => {
    const ending = await endSession(deps, {
      caller,
      connectionId,
      ...(frame.requestId === undefined ? {} : { requestId: frame.requestId }),
    });
    logger.info('session ended', { sessionId: caller.sessionId, ...ending });
    // Answered through @connections before the connection was closed.
    return noAnswer;
  },
  { limits: sharedFrameLimits() },
);
