/**
 * Use case: a citizen's app registers its device for offline notifications (`push.register`, docs/requirements.md#offline-notifications).
 *
 * Primary course:
 *  1. Create (or find: SNS answers the same endpoint for the same token) the SNS platform endpoint
 *     of the device token on the platform's application (FCM or APNs). A platform whose application
 *     is not configured in this deployment → BAD_REQUEST (`platform`).
 *  2. Store it under its owner: the verified citizen (`citizen#{citizenId}`), so that every session
 *     of theirs reaches it, else the session (`session#{sessionId}`). One item per device
 *     (`{platform}#{SHA-256 of the token}`): registering again refreshes it and stores nothing twice.
 *     The token itself is never stored or logged (the endpoint holds it).
 *  3. Answer `push.registered`.
 */
import { createHash } from 'node:crypto';
import type { Caller } from '#events/authorizer-context.ts';
import type { PushPlatform, PushRegisteredFrame } from '#events/desk-frames.ts';
import { badRequest } from '../errors.ts';
import type { PushDevice, PushDeviceRepository, PushEndpointRegistry } from '../ports/out-of-band.ts';
import type { Clock } from '../ports/system.ts';
import { expiresAfterDays } from '../retention.ts';

export interface RegisterPushDeviceDeps {
  registry: PushEndpointRegistry;
  devices: PushDeviceRepository;
  clock: Clock;
  /** How long a device is kept after its last registration (PUSH_DEVICE_RETENTION_DAYS). */
  retentionDays: number;
}

/** The owners whose devices reach a citizen: theirs once verified, and their session's. */
export function pushOwnerKeys(owner: { sessionId?: string; citizenId?: string }): string[] {
  return [
    ...(owner.citizenId === undefined ? [] : [`citizen#${owner.citizenId}`]),
    ...(owner.sessionId === undefined ? [] : [`session#${owner.sessionId}`]),
  ];
}

function deviceKeyOf(platform: PushPlatform, deviceToken: string): string {
  return `${platform}#${createHash('sha256').update(deviceToken).digest('hex')}`;
}

export async function registerPushDevice(
  deps: RegisterPushDeviceDeps,
  input: { caller: Caller; platform: PushPlatform; deviceToken: string },
): Promise<PushRegisteredFrame> {
  const { caller } = input;
  const endpointArn = await deps.registry.createEndpoint(input.platform, input.deviceToken);
  if (endpointArn === undefined) {
    throw badRequest([{ field: 'platform', problem: 'push is not available for this platform' }]);
  }
  const now = deps.clock.now();
  const [ownerKey] = pushOwnerKeys({
    sessionId: caller.sessionId,
    ...(caller.citizenId === undefined ? {} : { citizenId: caller.citizenId }),
  }) as [string];
  const device: PushDevice = {
    ownerKey,
    deviceKey: deviceKeyOf(input.platform, input.deviceToken),
    platform: input.platform,
    endpointArn,
    sessionId: caller.sessionId,
    ...(caller.citizenId === undefined ? {} : { citizenId: caller.citizenId }),
    registeredAt: now.toISOString(),
    expiresAt: expiresAfterDays(now, deps.retentionDays),
  };
  await deps.devices.save(device);
  return { type: 'push.registered', platform: input.platform };
}
