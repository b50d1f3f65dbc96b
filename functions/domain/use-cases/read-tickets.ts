/**
 * Use cases: `ticket.get` and `ticket.list`, a citizen's view of their own tickets (staff read any
 * one ticket).
 *
 * Primary course of `ticket.get`:
 *  1. Find the ticket by id, or by number (as typed: case and O/0, I/L/1 do not matter).
 *     Unknown (or not a ticket number at all) → NOT_FOUND.
 *  2. Staff see it. A citizen sees it when it is theirs: the same citizenId, the same session, or —
 *     opened before they identified — a session that is now theirs. Otherwise → FORBIDDEN by id
 *     (an opaque id says nothing), NOT_FOUND by number: numbers are short and dated, and "exists
 *     but not yours" would let anyone probe which numbers were issued.
 *  3. Answer it labelled in the caller's language.
 *
 * Primary course of `ticket.list` for a verified citizen (the authorization policy sees to it):
 *  1. Collect the citizen's tickets (index `byCitizen`) and those opened in any of their sessions
 *     (index `bySession`, which holds tickets opened before identification); `status` narrows them.
 *  2. Answer them newest first, each once, labelled in the caller's language.
 *
 * For staff, `ticket.list` answers the newest 100 tickets in `status` (default `received`: the new
 * ones, among them the portal's, which no conversation brings to an operator), with the request
 * itself (intake, a portal ticket's contact); `ticket.get` answers staff that view too.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { TicketView } from '#events/tickets.ts';
import { ChatError } from '../errors.ts';
import type { CitizenSessionLookup } from '../ports/sessions.ts';
import type { TicketRepository } from '../ports/tickets.ts';
import {
  canonicalTicketNumber,
  isStaff,
  isVisibleTo,
  newestFirst,
  type Ticket,
  type TicketStatus,
  ticketView,
} from '../tickets.ts';

export interface ReadTicketsDeps {
  tickets: TicketRepository;
  citizenSessions: CitizenSessionLookup;
}

export type TicketReference = { ticketId: string } | { number: string };

export async function getTicket(
  deps: ReadTicketsDeps,
  caller: Caller,
  reference: TicketReference,
): Promise<TicketView> {
  const ticket = await findTicket(deps, reference);
  if (!ticket) throw new ChatError('NOT_FOUND');
  if (!(await isCallersTicket(deps, caller, ticket))) {
    throw new ChatError('number' in reference ? 'NOT_FOUND' : 'FORBIDDEN');
  }
  return ticketView(ticket, caller.lang, audienceOf(caller));
}

/** How many tickets of one status staff get at once, newest first. */
const STAFF_LIST_LIMIT = 100;

export async function listTickets(
  deps: ReadTicketsDeps,
  caller: Caller,
  filter: { status?: TicketStatus } = {},
): Promise<TicketView[]> {
  if (isStaff(caller)) {
    const status = filter.status ?? 'received';
    const tickets = await deps.tickets.listByStatus(status, STAFF_LIST_LIMIT);
    // The index lags behind transitions: a ticket that moved on since is not listed under its old status.
    return tickets
      .filter((ticket) => ticket.status === status)
      .map((ticket) => ticketView(ticket, caller.lang, 'staff'));
  }
  const sessionIds = await sessionsOf(deps, caller);
  const lists = await Promise.all([
    caller.citizenId === undefined ? [] : deps.tickets.listByCitizen(caller.citizenId),
    ...[...sessionIds].map((sessionId) => deps.tickets.listBySession(sessionId)),
  ]);
  // The indexes are eventually consistent and the session list may be stale: check every item again.
  const own = lists
    .flat()
    .filter((ticket) => isVisibleTo(ticket, caller, sessionIds))
    .filter((ticket) => filter.status === undefined || ticket.status === filter.status);
  return newestFirst(own).map((ticket) => ticketView(ticket, caller.lang));
}

async function findTicket(deps: ReadTicketsDeps, reference: TicketReference): Promise<Ticket | undefined> {
  if ('ticketId' in reference) return deps.tickets.get(reference.ticketId);
  const number = canonicalTicketNumber(reference.number);
  return number === undefined ? undefined : deps.tickets.getByNumber(number);
}

/** Whether `caller` owns `ticket` (staff: always), reading the citizen's sessions only when needed. */
export async function isCallersTicket(
  deps: Pick<ReadTicketsDeps, 'citizenSessions'>,
  caller: Caller,
  ticket: Pick<Ticket, 'citizenId' | 'sessionId'>,
): Promise<boolean> {
  if (isVisibleTo(ticket, caller)) return true;
  if (isStaff(caller) || caller.citizenId === undefined || ticket.sessionId === undefined) return false;
  return isVisibleTo(ticket, caller, await sessionsOf(deps, caller));
}

/** The caller's session and, for a verified citizen, every session they verified in. */
async function sessionsOf(
  deps: Pick<ReadTicketsDeps, 'citizenSessions'>,
  caller: Caller,
): Promise<Set<string>> {
  const sessionIds = new Set([caller.sessionId]);
  if (caller.citizenId !== undefined) {
    for (const sessionId of await deps.citizenSessions.sessionIdsOf(caller.citizenId))
      sessionIds.add(sessionId);
  }
  return sessionIds;
}

function audienceOf(caller: Caller): 'citizen' | 'staff' {
  return isStaff(caller) ? 'staff' : 'citizen';
}
