/**
 * Use case: `feedback.submit`, the citizen rates a completed ticket (CSAT, docs/requirements.md#feedback), once.
 *
 * Primary course:
 *  1. Find the ticket: through the conversation named (its `ticketId`), or by `ticketId` for a
 *     ticket with no conversation (the portal's form). Unknown conversation or ticket → NOT_FOUND.
 *  2. Not the caller's (another session, another citizen) → FORBIDDEN.
 *  3. No ticket yet, not `completed` yet, or rated already → CONFLICT.
 *  4. Store the rating and comment on the condition that the ticket is completed and unrated, so
 *     two submits at once store one; the other → CONFLICT.
 *  5. Answer `feedback.ack`.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { FeedbackAckFrame } from '#events/tickets.ts';
import { ChatError } from '../errors.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { Clock } from '../ports/system.ts';
import type { TicketRepository } from '../ports/tickets.ts';
import type { Ticket } from '../tickets.ts';
import { isCallersTicket, type ReadTicketsDeps } from './read-tickets.ts';

export interface SubmitFeedbackDeps extends ReadTicketsDeps {
  tickets: TicketRepository;
  conversations: ConversationRepository;
  clock: Clock;
}

export interface FeedbackSubmission {
  conversationId?: string;
  ticketId?: string;
  rating: number;
  comment?: string;
}

export async function submitFeedback(
  deps: SubmitFeedbackDeps,
  caller: Caller,
  submission: FeedbackSubmission,
): Promise<{ frame: Omit<FeedbackAckFrame, 'requestId'>; ticket: Ticket }> {
  const ticket = await ticketToRate(deps, caller, submission);
  if (ticket.status !== 'completed' || ticket.feedback !== undefined) throw new ChatError('CONFLICT');
  const comment = submission.comment?.trim();
  const feedback = {
    rating: submission.rating,
    ...(comment ? { comment } : {}),
    at: deps.clock.now().toISOString(),
  };
  if ((await deps.tickets.recordFeedback(ticket.ticketId, feedback)) === 'conflict') {
    throw new ChatError('CONFLICT');
  }
  return {
    frame: {
      type: 'feedback.ack',
      ticketId: ticket.ticketId,
      ...(ticket.conversationId === undefined ? {} : { conversationId: ticket.conversationId }),
      rating: feedback.rating,
    },
    ticket: { ...ticket, feedback },
  };
}

async function ticketToRate(
  deps: SubmitFeedbackDeps,
  caller: Caller,
  submission: FeedbackSubmission,
): Promise<Ticket> {
  if (submission.conversationId !== undefined) {
    const conversation = await deps.conversations.get(submission.conversationId);
    if (!conversation) throw new ChatError('NOT_FOUND');
    if (!(await isCallersTicket(deps, caller, conversation))) throw new ChatError('FORBIDDEN');
    // Nothing to rate yet: the conversation has no ticket (never escalated, or not yet opened).
    if (conversation.ticketId === undefined) throw new ChatError('CONFLICT');
    const ticket = await deps.tickets.get(conversation.ticketId);
    if (!ticket) throw new ChatError('CONFLICT');
    return ticket;
  }
  const ticket = submission.ticketId === undefined ? undefined : await deps.tickets.get(submission.ticketId);
  if (!ticket) throw new ChatError('NOT_FOUND');
  if (!(await isCallersTicket(deps, caller, ticket))) throw new ChatError('FORBIDDEN');
  return ticket;
}
