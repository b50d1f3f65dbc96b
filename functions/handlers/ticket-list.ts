/**
 * Route `ticket.list`: a page of the verified citizen's tickets (also those opened in their sessions
 * before they identified), newest first, answered as `tickets` labelled in the session language
 * with `nextCursor` when more are left; for staff, a page of the tickets in a status (default
 * `received`), with the request itself, journaled (AccessJournalTable). A citizen's first page also
 * lists their MFC visits to come.
 */

import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoCitizenVisits } from '#adapters/dynamodb/citizen-visits.ts';
import { DynamoOperatorRepository } from '#adapters/dynamodb/operator-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { HmacPagingCursors } from '#adapters/paging-cursors.ts';
import { cursorKey } from '#adapters/secret-keys.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { listActiveVisits } from '#domain/use-cases/mfc-visits.ts';
import { listTickets } from '#domain/use-cases/read-tickets.ts';
import { ticketListFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

// The citizen's MFC visits (VisitsTable, index byCitizen), named from the MFC directory's layer.
const visits = {
  directory: loadMfcDirectory(config.mfcDirectoryDir),
  visits: new DynamoCitizenVisits(config.visitsTable),
  clock: systemClock,
};

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
  operators: new DynamoOperatorRepository(config.operatorsTable),
  cursors: new HmacPagingCursors(cursorKey(config), systemClock),
  activeVisits: (citizenId: string, lang: 'ru' | 'en') => listActiveVisits(visits, citizenId, lang),
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
  ticketListFrameSchema,
  async ({ caller, frame }) => {
    const page = await listTickets(deps, caller, {
      limit: frame.limit,
      ...(frame.status === undefined ? {} : { status: frame.status }),
      ...(frame.cursor === undefined ? {} : { cursor: frame.cursor }),
    });
    return { type: 'tickets', ...page };
  },
  {
    ...sessionResolution,
    presence: operatorPresence(),
    staff: staffConfirmation(),
    limits: sharedFrameLimits(),
  },
);
