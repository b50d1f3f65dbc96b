/**
 * Route `operator.next` (operators, seniors): takes the longest-waiting conversation of the caller's
 * queues by hand, with the same exactly-once assignment as automatic assignment. Answers
 * `conversation.assigned`, or `queue.empty` when nobody waits.
 */

import { assignmentDeps } from '#adapters/assignment-wiring.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { takeNextConversation } from '#domain/use-cases/take-next-conversation.ts';
import { operatorNextFrameSchema } from '#events/operator-frames.ts';
import { logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = assignmentDeps();

export const handler = routeHandler(
  operatorNextFrameSchema,
  async ({ caller, connectionId }) => {
    const frame = await takeNextConversation(deps, { caller, connectionId });
    logger.info('operator took next', {
      operatorId: caller.principalId,
      ...(frame.type === 'conversation.assigned'
        ? { conversationId: frame.conversation.conversationId }
        : { empty: true }),
    });
    return frame;
  },
  { metrics: true, presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
