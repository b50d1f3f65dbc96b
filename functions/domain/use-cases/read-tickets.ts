/**
 * Use cases: `ticket.get` and `ticket.list`, a citizen's view of their own tickets, and staff's of
 * the tickets they work with (`StaffScope`: a senior all; an operator those of the queues they serve
 * and the conversations they hold).
 *
 * Primary course of `ticket.get`:
 *  1. Find the ticket by id, or by number (as typed: case and O/0, I/L/1 do not matter).
 *     Unknown (or not a ticket number at all) → NOT_FOUND.
 *  2. A senior sees it; an operator when it is in their scope. A citizen sees it when it is theirs: the same citizenId, the same session, or —
 *     opened before they identified — a session that is now theirs. Otherwise → FORBIDDEN by id
 *     (an opaque id says nothing), NOT_FOUND by number: numbers are short and dated, and "exists
 *     but not yours" would let anyone probe which numbers were issued.
 *  3. A staff caller's read is recorded in the access journal.
 *  4. Answer it labelled in the caller's language.
 *
 * Primary course of `ticket.list` for a verified citizen (the authorization policy sees to it):
 *  1. Open the `cursor`, if given: sealed for this list and this caller, else BAD_REQUEST (`cursor`).
 *  2. Read a page, older than the cursor's position, of the citizen's tickets (index `byCitizen`)
 *     and of those opened in any of their sessions (index `bySession`, which holds tickets opened
 *     before identification); `status` narrows them. A portal ticket filed under a contact nobody
 *     proved yet is in neither (`contactId`, `claimContactTickets`).
 *  3. Answer them newest first, each once, labelled in the caller's language, at most `limit` and
 *     at most what fits the frame's budget, with `nextCursor` when more are left. The first page of
 *     an unfiltered list (no cursor, no status) also holds the citizen's MFC visits still to come
 *     (`visits`), read alongside.
 *
 * For staff, `ticket.list` pages the same way through the tickets in `status` (default `received`:
 * the new ones, among them the portal's, which no conversation brings to an operator) that are in
 * their scope, with the request itself (intake, a portal ticket's contact); `ticket.get` answers
 * staff that view too. A staff page that shows tickets is recorded in the access journal (who,
 * when, the status, which tickets) before it is answered, as `ticket.get` is.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { MfcVisitView } from '#events/mfc-frames.ts';
import type { TicketView } from '#events/tickets.ts';
import * as z from '#events/zod.ts';
import { journalStaffRead, type StaffReadJournal } from '../access-journal.ts';
import { ChatError } from '../errors.ts';
import { cursorScope, jsonBytes, openCursor, PAGE_BUDGET_BYTES } from '../paging.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { PagingCursors } from '../ports/paging.ts';
import type { CitizenSessionLookup } from '../ports/sessions.ts';
import type { TicketPage, TicketPosition, TicketRepository } from '../ports/tickets.ts';
import {
  canonicalTicketNumber,
  isInStaffScope,
  isStaff,
  isVisibleTo,
  newestFirst,
  type StaffScope,
  type Ticket,
  type TicketStatus,
  ticketView,
} from '../tickets.ts';
import { staffScopeOf } from './staff-scope.ts';

export interface ReadTicketsDeps {
  tickets: TicketRepository;
  citizenSessions: CitizenSessionLookup;
}

/** `ticket.get` by staff is journaled (functions/domain/access-journal.ts). */
export type GetTicketDeps = ReadTicketsDeps & StaffScopeDeps & StaffReadJournal;

/** Whose skills and held conversations an operator's scope is read from. */
export interface StaffScopeDeps {
  operators: Pick<OperatorRepository, 'get'>;
}

export type TicketReference = { ticketId: string } | { number: string };

export async function getTicket(
  deps: GetTicketDeps,
  caller: Caller,
  reference: TicketReference,
): Promise<TicketView> {
  const ticket = await findTicket(deps, reference);
  if (!ticket) throw new ChatError('NOT_FOUND');
  const mine = isStaff(caller)
    ? isInStaffScope(ticket, await staffScopeOf(deps, caller))
    : await isCallersTicket(deps, caller, ticket);
  if (!mine) {
    throw new ChatError('number' in reference ? 'NOT_FOUND' : 'FORBIDDEN');
  }
  await journalStaffRead(deps, caller, 'ticket.get', {
    ticketId: ticket.ticketId,
    ticketNumber: ticket.number,
    ...(ticket.conversationId === undefined ? {} : { conversationId: ticket.conversationId }),
  });
  return ticketView(ticket, caller.lang, audienceOf(caller));
}

/** What one ticket may take in a list: a long history is cut there; `ticket.get` answers more of it. */
const LIST_ITEM_BUDGET_BYTES = 24 * 1024;

const positionSchema = z.object({
  createdAt: z.string().check(z.minLength(1), z.maxLength(64)),
  ticketId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export interface ListTicketsRequest {
  status?: TicketStatus;
  limit: number;
  cursor?: string;
}

export interface TicketListPage {
  items: TicketView[];
  visits?: MfcVisitView[];
  nextCursor?: string;
}

/** A staff page is journaled (functions/domain/access-journal.ts). */
export interface ListTicketsDeps extends ReadTicketsDeps, StaffScopeDeps, StaffReadJournal {
  cursors: PagingCursors;
  /** A citizen's MFC visits still to come, in their language; unset: the list holds none. */
  activeVisits?: (citizenId: string, lang: Caller['lang']) => Promise<MfcVisitView[]>;
}

export async function listTickets(
  deps: ListTicketsDeps,
  caller: Caller,
  request: ListTicketsRequest,
): Promise<TicketListPage> {
  const staff = isStaff(caller);
  const withVisits =
    !staff && caller.citizenId !== undefined && request.cursor === undefined && request.status === undefined;
  const visitsRead =
    withVisits && deps.activeVisits && caller.citizenId
      ? deps.activeVisits(caller.citizenId, caller.lang)
      : undefined;
  visitsRead?.catch(() => undefined);
  const status = staff ? (request.status ?? 'received') : request.status;
  const scope = cursorScope(`ticket.list:${status ?? 'any'}`, caller);
  const before =
    request.cursor === undefined
      ? undefined
      : await openCursor(deps.cursors, scope, request.cursor, positionSchema);
  const query = { limit: request.limit, ...(before ? { before } : {}), ...(status ? { status } : {}) };
  const sessionIds = staff ? new Set<string>() : await sessionsOf(deps, caller);
  const staffScope: StaffScope | undefined = staff ? await staffScopeOf(deps, caller) : undefined;
  const pages = staff
    ? [await deps.tickets.pageByStatus(status ?? 'received', query)]
    : await Promise.all([
        ...(caller.citizenId === undefined ? [] : [deps.tickets.pageByCitizen(caller.citizenId, query)]),
        ...[...sessionIds].map((sessionId) => deps.tickets.pageBySession(sessionId, query)),
      ]);
  const { tickets, more } = mergePages(pages, request.limit);
  const visits = await visitsRead;
  const items: TicketView[] = [];
  let last: TicketPosition | undefined;
  let cut = false;
  for (const ticket of tickets) {
    // The indexes are eventually consistent and the session list may be stale: check every item again.
    const visible = staffScope ? isInStaffScope(ticket, staffScope) : isVisibleTo(ticket, caller, sessionIds);
    const view = visible
      ? ticketView(ticket, caller.lang, staff ? 'staff' : 'citizen', LIST_ITEM_BUDGET_BYTES)
      : undefined;
    if (
      view &&
      items.length > 0 &&
      jsonBytes({ type: 'tickets', items: [...items, view], visits }) > PAGE_BUDGET_BYTES
    ) {
      cut = true;
      break;
    }
    if (view) items.push(view);
    last = { createdAt: ticket.createdAt, ticketId: ticket.ticketId };
  }
  const nextCursor = (more || cut) && last ? await deps.cursors.seal(scope, last) : undefined;
  // A page that shows no ticket has read nobody's data.
  if (items.length > 0)
    await journalStaffRead(deps, caller, 'ticket.list', {
      ticketIds: items.map((ticket) => ticket.ticketId),
      ticketNumbers: items.map((ticket) => ticket.number),
      scope: `status ${status ?? 'any'}`,
    });
  return { items, ...(visits ? { visits } : {}), ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * The newest `limit` tickets of several index pages, each newest first. An index that has more
 * than it gave may hold tickets newer than another's last: the merge stops at the oldest ticket
 * every such index has passed, so nothing is skipped; the next page starts after what was taken.
 */
function mergePages(pages: TicketPage[], limit: number): { tickets: Ticket[]; more: boolean } {
  const unfinished = pages.filter((page) => !page.exhausted);
  const horizons = unfinished.map((page) => page.tickets.at(-1)).filter((t): t is Ticket => t !== undefined);
  const horizon = newestFirst(horizons)[0];
  const merged = newestFirst(pages.flatMap((page) => page.tickets));
  const safe =
    horizon === undefined
      ? merged
      : merged.slice(0, merged.findIndex((ticket) => ticket.ticketId === horizon.ticketId) + 1);
  const tickets = safe.slice(0, limit);
  return { tickets, more: unfinished.length > 0 || merged.length > tickets.length };
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
