/**
 * The ports of tickets (`functions/domain/tickets.ts`): the ticket store with its transitions,
 * and freeing an operator's slot when a ticket is done.
 */
import type { Ticket, TicketFeedback, TicketStatus } from '../tickets.ts';

/**
 * `created`: the ticket and the claim on its number were written together. `exists`: a ticket with
 * this id is stored already (an idempotent retry): nothing written, the stored one returned.
 * `number_taken`: another ticket holds the number: nothing written, draw another.
 */
export type TicketCreateOutcome =
  | { status: 'created' }
  | { status: 'exists'; existing: Ticket }
  | { status: 'number_taken' };

/** What a transition writes besides the ticket, in the same transaction. */
export interface TransitionEffects {
  /** Close this conversation (`state = closed`): its ticket reached a final status. */
  closeConversationId?: string;
  /**
   * Write only while this conversation is still assigned to this operator (an operator's change of
   * the ticket of their conversation: a transfer at the same moment wins, or this does).
   */
  whileAssigned?: { conversationId: string; operatorId: string };
}

/** Where a page of tickets (newest first) ends: the last ticket's creation and id. */
export interface TicketPosition {
  createdAt: string;
  ticketId: string;
}

/** One index query's part of a page: newest first, older than `before`. */
export interface TicketPageQuery {
  before?: TicketPosition;
  /** At most this many tickets (after `status`, when given). */
  limit: number;
  /** Only tickets in this status. */
  status?: TicketStatus;
}

/** `exhausted`: nothing older than the last ticket is left in that index. */
export interface TicketPage {
  tickets: Ticket[];
  exhausted: boolean;
}

export interface TicketRepository {
  /** Stores a new ticket and claims its number, atomically (uniqueness is the claim's condition). */
  create(ticket: Ticket): Promise<TicketCreateOutcome>;
  /** Read consistently: a transition's optimistic lock is the version read here. */
  get(ticketId: string): Promise<Ticket | undefined>;
  /** Follows the number's claim to its ticket, consistently. */
  getByNumber(number: string): Promise<Ticket | undefined>;
  /** A page of a verified citizen's tickets (index `byCitizen`). */
  pageByCitizen(citizenId: string, query: TicketPageQuery): Promise<TicketPage>;
  /** A page of the tickets opened in a session (index `bySession`), also before it was verified. */
  pageBySession(sessionId: string, query: TicketPageQuery): Promise<TicketPage>;
  /** A page of the tickets in `status` (index `byStatus`), for staff. */
  pageByStatus(status: TicketStatus, query: Omit<TicketPageQuery, 'status'>): Promise<TicketPage>;
  /** Portal tickets filed under a contact nobody proved yet (index `byContact`, sparse), oldest first. */
  listByContact(contactId: string): Promise<Ticket[]>;
  /**
   * Files a portal ticket under the citizen who proved its contact (`citizenId` = the `contactId`),
   * if it is still under that contact. `false`: it was claimed already, or is gone.
   */
  claimForCitizen(ticketId: string, citizenId: string): Promise<boolean>;
  /**
   * Writes `next` (with `effects`) only if the stored ticket is still at `expected`'s version and
   * status. `conflict`: someone else changed it first, or the conversation to close is gone or no
   * longer assigned as `whileAssigned` says; nothing was written.
   */
  replace(next: Ticket, expected: Ticket, effects?: TransitionEffects): Promise<'replaced' | 'conflict'>;
  /** Stores the rating of a completed ticket that has none. `conflict`: rated already, or not completed. */
  recordFeedback(ticketId: string, feedback: TicketFeedback): Promise<'recorded' | 'conflict'>;
  /**
   * Records the ticket on its conversation (`ticketId`), unless a later escalation's ticket is
   * there already. `gone`: the conversation does not exist (expired).
   */
  linkConversation(conversationId: string, ticketId: string, attempt: number): Promise<'linked' | 'gone'>;
}

/**
 * Frees the operator's capacity when their conversation's ticket reaches a final status (the ticket routes'
 * assignment implements it: `releaseAssignment`). Idempotent: calling it twice frees one slot.
 */
export interface AssignmentReleaser {
  releaseAssignment(conversationId: string, operatorId: string): Promise<void>;
}
