/**
 * Use case: a citizen just proved a phone or an e-mail in the chat (`auth.verifyCode`); the portal
 * tickets filed under that contact since it was last proven become theirs.
 *
 * Primary course:
 *  1. List the tickets filed under the contact (`contactId` = the citizen id the contact has: the
 *     same keyed hash), which no one has claimed yet.
 *  2. File each under the citizen (`citizenId`), on the condition that it is still under the
 *     contact: a racing claim of the same ticket writes once.
 *  3. Answer how many were claimed (for the log; the citizen reads them with `ticket.list`).
 *
 * Why here and not when the form is posted: anyone can type anyone's phone into the public form,
 * so a ticket names a contact, not a person, until someone proves that contact after it was filed.
 */
import type { TicketRepository } from '../ports/tickets.ts';

export async function claimContactTickets(
  deps: { tickets: Pick<TicketRepository, 'listByContact' | 'claimForCitizen'> },
  citizenId: string,
): Promise<number> {
  const pending = await deps.tickets.listByContact(citizenId);
  const claimed = await Promise.all(
    pending.map((ticket) => deps.tickets.claimForCitizen(ticket.ticketId, citizenId)),
  );
  return claimed.filter(Boolean).length;
}
