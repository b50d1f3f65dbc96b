/**
 * Route `conversation.accept` (operators, seniors): the operator takes the conversation
 * `conversation.assigned` offered them, within ACCEPT_SECONDS; the citizen is then told "operator".
 * Answers `conversation.accepted` (again, unchanged, for a repeat).
 */

import { acceptanceDeps } from '#adapters/assignment-wiring.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { acceptAssignment } from '#domain/use-cases/accept-assignment.ts';
import { conversationAcceptFrameSchema } from '#events/operator-frames.ts';
import { logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = acceptanceDeps();

export const handler = routeHandler(
  conversationAcceptFrameSchema,
  async ({ frame, caller }) => {
    const acceptance = await acceptAssignment(deps, { caller, conversationId: frame.conversationId });
    logger.info('assignment accepted', {
      operatorId: caller.principalId,
      conversationId: acceptance.conversationId,
      repeated: !acceptance.accepted,
    });
    return {
      type: 'conversation.accepted',
      conversationId: acceptance.conversationId,
      acceptedAt: acceptance.acceptedAt,
    };
  },
  { presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
