/**
 * Route `ticket.list`: every ticket of the verified citizen (also those opened in their sessions
 * before they identified), newest first, answered as `tickets` labelled in the session language;
 * for staff, the newest tickets in a status (default `received`), with the request itself.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { listTickets } from '#domain/use-cases/read-tickets.ts';
import { ticketListFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
};
const route = frameRoute(ticketListFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { caller, frame } = route.input(event);
    const items = await listTickets(deps, caller, frame.status === undefined ? {} : { status: frame.status });
    return route.answer(event, { type: 'tickets', items });
  });
