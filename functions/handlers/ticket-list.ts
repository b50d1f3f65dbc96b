/**
 * Route `ticket.list`: every ticket of the verified citizen (also those opened in their sessions
 * before they identified), newest first, answered as `tickets` labelled in the session language;
 * for staff, the newest tickets in a status (default `received`), with the request itself.
 */

import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { listTickets } from '#domain/use-cases/read-tickets.ts';
import { ticketListFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
};

// A guest verified on this connection is resolved to the citizen from its session (the policy's
// resolveCitizen), which this route reads.
const sessionResolution = { sessions: new DynamoSessionRepository(config.sessionsTable) };

export const handler = routeHandler(
  ticketListFrameSchema,
  async ({ caller, frame }) => {
    const items = await listTickets(deps, caller, frame.status === undefined ? {} : { status: frame.status });
    return { type: 'tickets', items };
  },
  { ...sessionResolution, presence: operatorPresence(), staff: staffConfirmation() },
);
