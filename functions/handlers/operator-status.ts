/**
 * Route `operator.status` (operators, seniors): online / away / offline, with skills and maxChats.
 * Going online takes the waiting conversations the free slots allow (`conversation.assigned` is
 * pushed first); offline hands back what the operator holds. Answers `operator.state`.
 */

import { assignmentDeps } from '#adapters/assignment-wiring.ts';

import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { setOperatorStatus } from '#domain/use-cases/set-operator-status.ts';
import { operatorStatusFrameSchema } from '#events/operator-frames.ts';
import { logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = assignmentDeps();

export const handler = routeHandler(
  operatorStatusFrameSchema,
  async ({ frame, caller }) => {
    const state = await setOperatorStatus(deps, {
      caller,
      status: frame.status,
      ...(frame.skills ? { skills: frame.skills } : {}),
      ...(frame.maxChats ? { maxChats: frame.maxChats } : {}),
    });
    logger.info('operator status', {
      operatorId: caller.principalId,
      status: state.status,
      activeChats: state.activeChats,
    });
    return state;
  },
  { metrics: true, staff: staffConfirmation(), limits: sharedFrameLimits() },
);
