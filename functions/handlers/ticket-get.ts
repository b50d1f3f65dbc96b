/**
 * Route `ticket.get`: one ticket by `ticketId` or `number`, for its citizen (or staff), answered as
 * `ticket` labelled in the session language. Not the caller's → FORBIDDEN, unknown → NOT_FOUND.
 */

import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoOperatorRepository } from '#adapters/dynamodb/operator-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { getTicket } from '#domain/use-cases/read-tickets.ts';
import { ticketGetFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
  operators: new DynamoOperatorRepository(config.operatorsTable),
  journal: new DynamoAccessJournal({
    accessJournalTable: config.accessJournalTable,
    retentionDays: config.journalRetentionDays,
  }),
  clock: systemClock,
  ids: randomIds,
};

// A guest verified on this connection is resolved to the citizen from its session (the policy's
// resolveCitizen), which this route reads.
const sessionResolution = { sessions: new DynamoSessionRepository(config.sessionsTable) };

export const handler = routeHandler(
  ticketGetFrameSchema,
  async ({ frame, caller }) => {
    const reference =
      frame.ticketId === undefined ? { number: frame.number ?? '' } : { ticketId: frame.ticketId };
    const ticket = await getTicket(deps, caller, reference);
    return { type: 'ticket', ticket };
  },
  {
    ...sessionResolution,
    presence: operatorPresence(),
    staff: staffConfirmation(),
    limits: sharedFrameLimits(),
  },
);
