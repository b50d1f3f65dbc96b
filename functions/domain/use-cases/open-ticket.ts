/**
 * Use case: open the ticket of an escalated conversation (called by the escalation consumer).
 * Idempotent on (conversationId, attempt): the ticket id is derived from them, so a redelivered
 * escalation gets the very ticket the first delivery created, never a second one.
 *
 * Primary course:
 *  1. Derive the ticket id from (conversationId, attempt).
 *  2. Build the ticket: status `received`, the escalation's category, intent, intake and language,
 *     history [{received, system}], a fresh readable number `GU-YYYYMMDD-XXXXXX`.
 *  3. Store it together with the claim on its number (one transaction). The number is taken → draw
 *     another and store again. The ticket exists already (a retry) → that stored ticket is the answer.
 *  4. Record the ticket on the conversation (`ticketId`; a later escalation's ticket is kept).
 *  5. Answer the ticket, and whether this call created it.
 */
import type { CollectedIntake, EscalationCategory } from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import type { Clock } from '../ports/system.ts';
import type { TicketRepository } from '../ports/tickets.ts';
import { expiresAfterDays } from '../retention.ts';
import {
  escalationTicketId,
  newTicketNumber,
  openNewTicket,
  type RandomBytes,
  secureRandomBytes,
  type Ticket,
} from '../tickets.ts';

export interface OpenTicketDeps {
  tickets: TicketRepository;
  clock: Clock;
  /** Days the ticket is kept (TTL, docs/requirements.md#audit-and-personal-data): the conversations' retention. */
  retentionDays: number;
  /** Random bytes of ticket numbers (a CSPRNG unless a test fixes them). */
  random?: RandomBytes;
}

export interface OpenTicketInput {
  conversationId: string;
  sessionId: string;
  /** The verified citizen whose conversation it is, if identified. */
  citizenId?: string;
  category: EscalationCategory;
  intent?: string;
  intake: CollectedIntake;
  lang: Lang;
  /** The escalation's attempt (events/escalation.ts): 1 for the conversation's first. */
  attempt: number;
}

export interface OpenedTicket {
  ticket: Ticket;
  /** False when an earlier call (a redelivery) had created it already. */
  created: boolean;
}

export async function openTicket(deps: OpenTicketDeps, input: OpenTicketInput): Promise<OpenedTicket> {
  const now = deps.clock.now();
  const opened = await storeNewTicket(deps, (number) =>
    openNewTicket({
      ticketId: escalationTicketId(input.conversationId, input.attempt),
      number,
      category: input.category,
      source: 'chat',
      lang: input.lang,
      now,
      expiresAt: expiresAfterDays(now, deps.retentionDays),
      conversationId: input.conversationId,
      sessionId: input.sessionId,
      ...(input.citizenId === undefined ? {} : { citizenId: input.citizenId }),
      ...(input.intent === undefined ? {} : { intent: input.intent }),
      intake: input.intake,
    }),
  );
  await deps.tickets.linkConversation(input.conversationId, opened.ticket.ticketId, input.attempt);
  return opened;
}

/** Draws of a number before giving up: with 2^30 numbers a day, a second draw is already rare. */
const NUMBER_DRAWS = 8;

export class TicketNumbersExhaustedError extends Error {
  constructor() {
    super(`no free ticket number after ${NUMBER_DRAWS} draws`);
    this.name = 'TicketNumbersExhaustedError';
  }
}

/**
 * Stores the ticket `build` makes for a fresh number; a number another ticket holds is drawn again.
 * A ticket whose id is stored already is answered as it is (`created: false`).
 */
export async function storeNewTicket(
  deps: Pick<OpenTicketDeps, 'tickets' | 'clock' | 'random'>,
  build: (number: string) => Ticket,
): Promise<OpenedTicket> {
  const random = deps.random ?? secureRandomBytes;
  for (let draw = 0; draw < NUMBER_DRAWS; draw++) {
    const ticket = build(newTicketNumber(deps.clock.now(), random));
    const outcome = await deps.tickets.create(ticket);
    if (outcome.status === 'created') return { ticket, created: true };
    if (outcome.status === 'exists') return { ticket: outcome.existing, created: false };
  }
  throw new TicketNumbersExhaustedError();
}
