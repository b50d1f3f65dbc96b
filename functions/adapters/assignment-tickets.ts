/**
 * Assignment's view of tickets (`AssignmentTickets`), over the ticket use cases: `openTicket` for an escalation,
 * `transitionTicket` for the move to `in_progress` when an operator takes the conversation (which
 * pushes `ticket.updated` to the citizen), `ticketView` for the operator's `conversation.assigned`.
 * And the citizen as an operator sees them (`CitizenDirectory`): verified or not, the masked phone,
 * and their tickets (number, status, date); nothing else personal.
 */

import { ChatError } from '#domain/errors.ts';
import type { AssignmentTickets, CitizenDirectory, TicketOpening } from '#domain/ports/assignment.ts';
import type { SessionRepository } from '#domain/ports/sessions.ts';
import type { TicketRepository } from '#domain/ports/tickets.ts';
import { newestFirst, type Ticket, ticketView } from '#domain/tickets.ts';
import { type ChangeTicketStatusDeps, transitionTicket } from '#domain/use-cases/change-ticket-status.ts';
import { openTicket } from '#domain/use-cases/open-ticket.ts';
import type { Lang } from '#events/lang.ts';
import { type AssignedCitizen, CITIZEN_TICKETS_SHOWN } from '#events/operator-frames.ts';
import type { TicketView } from '#events/tickets.ts';

export class UseCaseAssignmentTickets implements AssignmentTickets {
  constructor(private readonly deps: ChangeTicketStatusDeps) {}

  async open(opening: TicketOpening): Promise<{ ticketId: string; number: string }> {
    const { ticket } = await openTicket(this.deps, opening);
    return { ticketId: ticket.ticketId, number: ticket.number };
  }

  async view(ticketId: string, lang: Lang): Promise<TicketView | undefined> {
    const ticket = await this.deps.tickets.get(ticketId);
    return ticket ? ticketView(ticket, lang, 'staff') : undefined;
  }

  async startWork(
    ticketId: string,
    actor: { kind: 'operator' | 'senior'; id: string },
    staffNote?: string,
  ): Promise<Ticket | undefined> {
    const ticket = await this.deps.tickets.get(ticketId);
    // Taken again (after a transfer or a lost operator): its status is the operators' business now.
    if (ticket?.status !== 'received') return ticket;
    try {
      const change = await transitionTicket(
        this.deps,
        { ticketId, to: 'in_progress', actor, ...(staffNote === undefined ? {} : { staffNote }) },
        ticket,
      );
      return change.ticket;
    } catch (error) {
      // Someone moved it first (a concurrent ticket.setStatus): theirs stands.
      if (error instanceof ChatError && error.code === 'CONFLICT') return this.deps.tickets.get(ticketId);
      throw error;
    }
  }
}

export class SessionCitizenDirectory implements CitizenDirectory {
  constructor(
    private readonly sessions: Pick<SessionRepository, 'get'>,
    private readonly tickets: Pick<TicketRepository, 'pageByCitizen' | 'pageBySession'>,
  ) {}

  async describe(sessionId: string): Promise<AssignedCitizen> {
    const session = await this.sessions.get(sessionId);
    const verified = session?.verified ?? false;
    // A verified citizen's tickets from any session, and those opened in this one (also before it was verified).
    const citizenId = verified ? session?.citizenId : undefined;
    const newest = { limit: CITIZEN_TICKETS_SHOWN };
    const pages = await Promise.all([
      citizenId === undefined ? { tickets: [] } : this.tickets.pageByCitizen(citizenId, newest),
      this.tickets.pageBySession(sessionId, newest),
    ]);
    const tickets = newestFirst(pages.flatMap((page) => page.tickets))
      .slice(0, CITIZEN_TICKETS_SHOWN)
      .map(({ ticketId, number, status, createdAt }) => ({ ticketId, number, status, createdAt }));
    // Only a verified session's phone is shown: a pending one is not proven to be the citizen's.
    return {
      verified,
      ...(verified && session?.maskedPhone ? { maskedPhone: session.maskedPhone } : {}),
      ...(tickets.length > 0 ? { tickets } : {}),
    };
  }
}
