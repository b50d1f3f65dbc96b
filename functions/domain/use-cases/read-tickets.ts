/**
 * Use cases: `ticket.get` and `ticket.list`, a citizen's view of their own tickets (staff read any
 * one ticket).
 *
 * Primary course of `ticket.get`:
 *  1. Find the ticket by id, or by number (as typed: case and O/0, I/L/1 do not matter).
 *     Unknown (or not a ticket number at all) → NOT_FOUND.
 *  2. Staff see it. A citizen sees it when it is theirs: the same citizenId, the same session, or —
 *     opened before they identified — a session that is now theirs. Otherwise → FORBIDDEN.
 *  3. Answer it labelled in the caller's language.
 *
 * Primary course of `ticket.list` (verified citizens; the authorization policy sees to it):
 *  1. Collect the citizen's tickets (index `byCitizen`) and those opened in any of their sessions
 *     (index `bySession`, which holds tickets opened before identification).
 *  2. Answer them newest first, each once, labelled in the caller's language.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { TicketView } from '#events/tickets.ts';
import { ChatError } from '../errors.ts';
import type { CitizenSessionLookup, TicketRepository } from '../ports.ts';
import {
  canonicalTicketNumber,
  isStaff,
  isVisibleTo,
  newestFirst,
  type Ticket,
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
  if (!(await isCallersTicket(deps, caller, ticket))) throw new ChatError('FORBIDDEN');
  return ticketView(ticket, caller.lang);
}

export async function listTickets(deps: ReadTicketsDeps, caller: Caller): Promise<TicketView[]> {
  const sessionIds = await sessionsOf(deps, caller);
  const lists = await Promise.all([
    caller.citizenId === undefined ? [] : deps.tickets.listByCitizen(caller.citizenId),
    ...[...sessionIds].map((sessionId) => deps.tickets.listBySession(sessionId)),
  ]);
  // The indexes are eventually consistent and the session list may be stale: check every item again.
  const own = lists.flat().filter((ticket) => isVisibleTo(ticket, caller, sessionIds));
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
