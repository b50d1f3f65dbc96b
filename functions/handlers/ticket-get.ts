/**
 * Route `ticket.get`: one ticket by `ticketId` or `number`, for its citizen (or staff), answered as
 * `ticket` labelled in the session language. Not the caller's → FORBIDDEN, unknown → NOT_FOUND.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { getTicket } from '#domain/use-cases/read-tickets.ts';
import { ticketGetFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
};
const route = frameRoute(ticketGetFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    const reference =
      frame.ticketId === undefined ? { number: frame.number ?? '' } : { ticketId: frame.ticketId };
    const ticket = await getTicket(deps, caller, reference);
    return route.answer(event, { type: 'ticket', ticket });
  });
