/**
 * Route `typing`: relays "typing" to the other side of the conversation (citizen ↔ assigned
 * operator), at most once per conversation and side per TYPING_RELAY_INTERVAL_MS. Answers nothing on
 * success; a frame about someone else's conversation answers its error.
 */

import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoRelayThrottle } from '#adapters/dynamodb/relay-throttle.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { systemClock } from '#adapters/system.ts';
import { relayTyping } from '#domain/use-cases/relay-typing.ts';
import { typingFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { noAnswer, routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  throttle: new DynamoRelayThrottle(config.idempotencyTable),
  clock: systemClock,
  intervalMs: config.typingRelayIntervalMs,
};

export const handler = routeHandler(
  typingFrameSchema,
  async ({ frame, caller }) => {
    const outcome = await relayTyping(deps, { caller, conversationId: frame.conversationId });
    logger.debug('typing', { conversationId: frame.conversationId, status: outcome.status });
    return noAnswer;
  },
  { presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
