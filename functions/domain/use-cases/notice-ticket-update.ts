/**
 * Use case: a ticket was written (the ticket notices function reads it from the TicketsTable
 * stream), and its citizen may not be on the WebSocket; a connected one already got
 * `ticket.updated` from the transition itself (docs/requirements.md#offline-notifications).
 *
 * Primary course:
 *  1. Its status did not change (a note, a rating) → nothing to tell.
 *  2. Nobody identified in the chat owns it (a portal ticket with no session or citizen) → nothing
 *     to tell here: the portal answers its contact through its own channels.
 *  3. Tell an offline citizen the new status, in the ticket's language (`notifyOfflineCitizen`):
 *     nothing when they are connected, else push, else SMS.
 */
import type { TicketNoticeImage } from '#events/desk-stream-records.ts';
import { STATUS_LABELS } from '../tickets.ts';
import {
  type NotifyOfflineCitizenDeps,
  notifyOfflineCitizen,
  type OfflineOutcome,
} from './notify-offline-citizen.ts';

export interface TicketWrite {
  /** The status before the write, as the old image had it. */
  previousStatus: unknown;
  ticket: TicketNoticeImage;
}

/** How the citizen was told, or undefined when there was nothing to tell. */
export async function noticeTicketUpdate(
  deps: NotifyOfflineCitizenDeps,
  { previousStatus, ticket }: TicketWrite,
): Promise<OfflineOutcome | undefined> {
  if (previousStatus === ticket.status) return undefined;
  if (ticket.sessionId === undefined && ticket.citizenId === undefined) return undefined;
  return notifyOfflineCitizen(deps, {
    ...(ticket.sessionId === undefined ? {} : { sessionId: ticket.sessionId }),
    ...(ticket.citizenId === undefined ? {} : { citizenId: ticket.citizenId }),
    lang: ticket.lang,
    event: {
      kind: 'ticket_update',
      ticketId: ticket.ticketId,
      version: ticket.version,
      number: ticket.number,
      statusLabel: STATUS_LABELS[ticket.status][ticket.lang],
    },
  });
}
