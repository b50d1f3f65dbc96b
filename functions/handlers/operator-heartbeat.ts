/**
 * Route `operator.heartbeat` (operators, seniors): the console is alive. Renews the presence lease
 * (PRESENCE_LEASE_SECONDS) with one write and answers `operator.heartbeat` {status, leaseUntil, and
 * on line or away skills and maxChats}: a console that reads `offline` lost its lease and says
 * `operator.status` again; one opened in another tab joins the operator as they are.
 */
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { operatorHeartbeatFrameSchema } from '#events/operator-frames.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const presence = operatorPresence();

export const handler = routeHandler(
  operatorHeartbeatFrameSchema,
  async ({ caller }) => {
    const presenceNow = await presence.renew(
      caller.principalId,
      caller.role === 'senior' ? 'senior' : 'operator',
    );
    return { type: 'operator.heartbeat', ...presenceNow };
  },
  { staff: staffConfirmation(), limits: sharedFrameLimits() },
);
