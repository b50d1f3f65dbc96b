/**
 * Route `ticket.setStatus` (operators, seniors): moves a ticket by the rules of docs/requirements.md#tickets and
 * answers `ticket.updated`. The citizen's connections get `ticket.updated` (and, on `completed`,
 * `feedback.request`); a final status closes the conversation and frees the operator's slot.
 * Records the resolution time of a ticket that reaches a final status. Notes are never logged.
 */

import { UseCaseAssignmentReleaser } from '#adapters/assignment-wiring.ts';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoOperatorRepository } from '#adapters/dynamodb/operator-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { systemClock } from '#adapters/system.ts';
import { ticketView } from '#domain/tickets.ts';
import { setTicketStatus } from '#domain/use-cases/change-ticket-status.ts';
import { ticketSetStatusFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { logger, recordTicketResolution } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  tickets: new DynamoTicketRepository({
    ticketsTable: config.ticketsTable,
    conversationsTable: config.conversationsTable,
  }),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
  operators: new DynamoOperatorRepository(config.operatorsTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  // Frees the operator's slot once and wakes the assignment to give them the next conversation.
  releaser: new UseCaseAssignmentReleaser(),
  clock: systemClock,
  retentionDays: config.ticketRetentionDays,
};

export const handler = routeHandler(
  ticketSetStatusFrameSchema,
  async ({ frame, caller }) => {
    const change = await setTicketStatus(deps, caller, {
      ticketId: frame.ticketId,
      to: frame.status,
      ...(frame.note === undefined ? {} : { note: frame.note }),
      ...(frame.waitingFor === undefined ? {} : { waitingFor: frame.waitingFor }),
      ...(frame.rejectReason === undefined ? {} : { rejectReason: frame.rejectReason }),
    });
    const { ticket } = change;
    if (change.resolutionSeconds !== undefined) {
      recordTicketResolution({
        seconds: change.resolutionSeconds,
        status: ticket.status,
        category: ticket.category,
      });
    }
    logger.info('ticket status changed', {
      ticketId: ticket.ticketId,
      from: change.previous.status,
      to: ticket.status,
      deliveredConnections: change.deliveredConnections,
    });
    return { type: 'ticket.updated', ticket: ticketView(ticket, caller.lang, 'staff') };
  },
  { metrics: true, presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
