/**
 * Route `push.register`: stores the caller's device (an SNS platform endpoint of FCM or APNs) for
 * offline notifications; answers `push.registered`. The device token is never logged.
 */

import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { pushEndpointRegistry } from '#adapters/push-endpoints.ts';
import { systemClock } from '#adapters/system.ts';
import { registerPushDevice } from '#domain/use-cases/register-push-device.ts';
import { pushRegisterFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  registry: pushEndpointRegistry({
    localOutboxUrl: config.localOutboxUrl,
    applications: {
      ...(config.pushFcmApplicationArn === undefined ? {} : { fcm: config.pushFcmApplicationArn }),
      ...(config.pushApnsApplicationArn === undefined ? {} : { apns: config.pushApnsApplicationArn }),
    },
  }),
  devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
  clock: systemClock,
  retentionDays: config.pushDeviceRetentionDays,
};

// A guest verified on this connection is resolved to the citizen from its session (the policy's
// resolveCitizen), which this route reads.
const sessionResolution = { sessions: new DynamoSessionRepository(config.sessionsTable) };

export const handler = routeHandler(
  pushRegisterFrameSchema,
  async ({ frame, caller }) => {
    const registered = await registerPushDevice(deps, {
      caller,
      platform: frame.platform,
      deviceToken: frame.deviceToken,
    });
    logger.info('push device registered', {
      platform: frame.platform,
      verified: caller.citizenId !== undefined,
    });
    return registered;
  },
  { ...sessionResolution, limits: sharedFrameLimits() },
);
