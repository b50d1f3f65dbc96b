/**
 * Route `operator.transfer`: the assigned operator hands the conversation to the senior queue or
 * another category's queue (assignment releases their slot and queues it), with the reason as an
 * internal note; the citizen sees `conversation.updated` (queued). Answers `conversation.transferred`
 * and counts `Transfers` (EMF, the target as metadata).
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { UseCaseConversationMover } from '#adapters/assignment-wiring.ts';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoNoteRepository } from '#adapters/dynamodb/note-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { transferConversation } from '#domain/use-cases/transfer-conversation.ts';
import { operatorTransferFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  mover: new UseCaseConversationMover(),
  notes: new DynamoNoteRepository(config.notesTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  clock: systemClock,
  ids: randomIds,
  retentionDays: config.messageRetentionDays,
};

export const handler = routeHandler(
  operatorTransferFrameSchema,
  async ({ frame, caller }) => {
    const { frame: transferred, delivery } = await transferConversation(deps, {
      caller,
      conversationId: frame.conversationId,
      to: frame.to,
      reason: frame.reason,
    });
    // `Transfers` (docs/requirements.md#sla dashboard): to the senior queue is an operator flagging a case complex.
    const metric = metrics.singleMetric();
    metric.addMetadata('to', frame.to);
    metric.addMetric('Transfers', MetricUnit.Count, 1);
    // The reason is the operator's words about a citizen's case: never logged.
    logger.info('conversation transferred', {
      conversationId: transferred.conversationId,
      to: frame.to,
      ...delivery,
    });
    return transferred;
  },
  { metrics: true, presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
