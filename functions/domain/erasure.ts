/**
 * A citizen's erasure (docs/requirements.md#audit-and-personal-data, 152-FZ): what is removed, what
 * is kept as anonymous statistics, and the shape of what is kept. Removed: sessions (with their
 * masked phone, SMS opt-in and resume slots), connections, messages, internal notes, attachments
 * (items and bytes), push devices (and their SNS endpoints), the destination's verification record,
 * idempotency keys and limit counters that name the citizen's sessions, conversations or visits, their
 * own transcripts, and their MFC visits (a visit still booked ahead gives its place back, as a cancel
 * does) with their per-service quotas. Kept, anonymised: each conversation (its state, times, queue, category and
 * operator, for the service's statistics) and each ticket (number, category, status and the times
 * and actors of its transitions, for the SLA and the regulator's counts) without anything that
 * leads back to the citizen. SLA records and the access journal hold ids and times only: kept.
 */
import type { Conversation } from './conversations.ts';
import { isFinal, type Ticket } from './tickets.ts';

/** What an erased conversation's `sessionId` says (the field is required; no session remains). */
export const ERASED = 'erased';

/** How a citizen is found: the keyed hashes of their phone or e-mail (functions/domain/identification.ts). */
export interface CitizenIdentity {
  /** Their citizen id: sessions, conversations, tickets, push devices are theirs by it. */
  citizenId: string;
  /** Their destination's key: the verification record, and sessions that asked a code for it. */
  destinationKey: string;
}

/** What one erasure removed or anonymised, by kind: counts only. */
export interface ErasureCounts {
  sessions: number;
  connections: number;
  conversations: number;
  messages: number;
  notes: number;
  tickets: number;
  attachments: number;
  objects: number;
  pushDevices: number;
  verificationRecords: number;
  idempotencyKeys: number;
  limitCounters: number;
  /** MFC visits (a booked one ahead gives its place back first). */
  visits: number;
  /** The citizen's per-service visit quotas. */
  visitQuotas: number;
  /** Booking requests (`mfc.book`'s `requestId`, naming the visit booked). */
  visitRequests: number;
}

/**
 * The conversation as kept: its id, state (closed: nobody can write to it again), times, queue,
 * category, operator and ticket. Not its session, citizen, intake or escalation (which carry what
 * the citizen wrote), nor the bot's memory of them.
 */
export function anonymisedConversation(conversation: Conversation): Conversation {
  const kept: Conversation = {
    conversationId: conversation.conversationId,
    sessionId: ERASED,
    state: 'closed',
    lastSeq: conversation.lastSeq,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    expiresAt: conversation.expiresAt,
  };
  const optional = [
    'category',
    'operatorId',
    'operatorName',
    'assignedAt',
    'assignedQueue',
    'acceptedAt',
    'firstOperatorReplyAt',
    'lastOperatorReplyAt',
    'slaBreachedAt',
    'ticketId',
    'ticketNumber',
  ] as const satisfies readonly (keyof Conversation)[];
  for (const field of optional) {
    const value = conversation[field];
    if (value !== undefined) Object.assign(kept, { [field]: value });
  }
  return kept;
}

/**
 * The ticket as kept: number, category, source, status, language, times, rating, and each
 * transition's status, time and actor. Not its session, citizen, contact, intake, request hash,
 * the operators' notes and reasons (free text about the citizen), nor the comment of the rating.
 *
 * A ticket still open ends `rejected` by the `system` at `erasedAt`: nobody can work on it any more
 * (its conversation is closed, its contact and request are gone), and an open ticket would stay on
 * staff's lists until its TTL. The move is written with the anonymisation, when the ticket no longer
 * names its citizen, so no notice of it goes to them (TicketNotices tells only a ticket's citizen).
 */
export function anonymisedTicket(ticket: Ticket, erasedAt: string): Ticket {
  const history = ticket.history.map(({ status, at, actor, actorId }) => ({
    status,
    at,
    actor,
    ...(actorId === undefined ? {} : { actorId }),
  }));
  const ends = !isFinal(ticket.status);
  if (ends) history.push({ status: 'rejected', at: erasedAt, actor: 'system' });
  return {
    ticketId: ticket.ticketId,
    number: ticket.number,
    status: ends ? 'rejected' : ticket.status,
    category: ticket.category,
    source: ticket.source,
    ...(ticket.conversationId === undefined ? {} : { conversationId: ticket.conversationId }),
    lang: ticket.lang,
    ...(ticket.intent === undefined ? {} : { intent: ticket.intent }),
    createdAt: ticket.createdAt,
    updatedAt: ends ? erasedAt : ticket.updatedAt,
    history,
    ...(ticket.feedback === undefined
      ? {}
      : { feedback: { rating: ticket.feedback.rating, at: ticket.feedback.at } }),
    version: ticket.version + 1,
    expiresAt: ticket.expiresAt,
  };
}
