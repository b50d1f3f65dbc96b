/**
 * Use case: a citizen signs out (`session.end`) — on a shared or lost device, nothing of the session
 * may stay usable.
 *
 * Primary course:
 *  1. End the session: `endedAt` set, every resume-token slot dropped (no token resumes it; a `hello`
 *     racing this cannot write its slot back), so every later upgrade with one of its tokens is
 *     refused (HTTP 401) and every frame still in flight on one of its connections that reads the
 *     citizen's data is refused (UNAUTHORIZED). No session (expired) → nothing to end: answered alike.
 *  2. Revoke the push devices registered in this session: each SNS endpoint deleted, then its items
 *     forgotten (under the citizen and under the session), so no notification reaches that device.
 *     Devices the citizen registered in other sessions are theirs and stay.
 *  3. Answer `session.ended` on the caller's connection, then close every connection of the session:
 *     the others first get `connection.closed` {reason `session_ended`}.
 *
 * Ending twice is harmless: the first `endedAt` stays, there is nothing left to revoke or close.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { SessionEndedFrame } from '#events/session-frames.ts';
import type { PushDeviceRepository, PushEndpointRegistry } from '../ports/out-of-band.ts';
import type { SessionEnder } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import { type CloseSessionConnectionsDeps, closeSessionConnections } from './close-session-connections.ts';
import { pushOwnerKeys } from './register-push-device.ts';

export interface EndSessionDeps extends CloseSessionConnectionsDeps {
  sessions: SessionEnder;
  devices: PushDeviceRepository;
  registry: Pick<PushEndpointRegistry, 'deleteEndpoint'>;
  clock: Clock;
}

export interface SessionEnding {
  devicesRevoked: number;
  connectionsClosed: number;
  connectionsFailed: number;
}

export async function endSession(
  deps: EndSessionDeps,
  input: { caller: Caller; connectionId: string; requestId?: string },
): Promise<SessionEnding> {
  const { caller, connectionId } = input;
  const session = await deps.sessions.end(caller.sessionId, deps.clock.now());
  const citizenId = session?.citizenId ?? caller.citizenId;
  const devicesRevoked = await revokeDevices(deps, caller.sessionId, citizenId);

  const answer: SessionEndedFrame = {
    type: 'session.ended',
    ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
    sessionId: caller.sessionId,
  };
  // The caller's own connection is closed too: its answer goes first, through @connections, since a
  // route response would come after the close.
  await deps.notifier.post(connectionId, answer);
  const others = await closeSessionConnections(deps, {
    sessionId: caller.sessionId,
    reason: 'session_ended',
    except: connectionId,
  });
  await deps.connections.delete(connectionId);
  const own = await deps.closer.close(connectionId);
  return {
    devicesRevoked,
    connectionsClosed: others.closed + (own === 'failed' ? 0 : 1),
    connectionsFailed: others.failed + (own === 'failed' ? 1 : 0),
  };
}

async function revokeDevices(
  deps: EndSessionDeps,
  sessionId: string,
  citizenId: string | undefined,
): Promise<number> {
  const ownerKeys = pushOwnerKeys({ sessionId, ...(citizenId === undefined ? {} : { citizenId }) });
  const devices = (await deps.devices.listByOwners(ownerKeys)).filter(
    (device) => device.sessionId === sessionId,
  );
  for (const device of devices) {
    await deps.registry.deleteEndpoint(device.endpointArn);
    // One device may be stored under the citizen and under the session.
    for (const ownerKey of ownerKeys) await deps.devices.delete({ ownerKey, deviceKey: device.deviceKey });
  }
  return devices.length;
}
