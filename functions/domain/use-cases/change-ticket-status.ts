/**
 * Use case: move a ticket to another status (SPEC.md C6). Two entry points: `setTicketStatus` for
 * the `ticket.setStatus` route (checks that the operator may change this ticket), and
 * `transitionTicket` for the service's own moves (the dispatcher's assignment → `in_progress`,
 * actor `operator`), which checks the rules but not who asks.
 *
 * Primary course:
 *  1. Read the ticket consistently; unknown → NOT_FOUND.
 *  2. (`setTicketStatus`) A senior may change any ticket; an operator only the ticket of a
 *     conversation assigned to them (`operatorId`), or one with no conversation (the portal's form);
 *     anyone else → FORBIDDEN.
 *  3. Apply the state machine: a forbidden move → CONFLICT, `waiting` without `waitingFor` or
 *     `rejected` without `rejectReason` → BAD_REQUEST. The transition is appended to the history.
 *  4. Write it on the condition that the version and status are still those read, so of two
 *     concurrent changes exactly one is stored; the other → CONFLICT, and nothing of it is stored.
 *     A final status closes the ticket's conversation in the same transaction.
 *  5. A final status frees the operator's capacity (the dispatcher's `releaseAssignment`, idempotent).
 *     Repeating a final move (after a failure past the commit) frees it then, and answers CONFLICT.
 *  6. Push to the citizen's open connections, labelled in each connection's language:
 *     `ticket.updated`; on `completed` also `feedback.request`; on a final status
 *     `conversation.updated` (closed).
 *  7. Answer the ticket as stored. (A citizen with no open connection is told by push or SMS from
 *     the TicketsTable stream: TicketNotices, functions/handlers/ticket-notices.ts.)
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { Lang } from '#events/lang.ts';
import type { Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import type {
  AssignmentReleaser,
  Clock,
  ConversationRepository,
  PushedFrame,
  TicketRepository,
} from '../ports.ts';
import { expiresAfterDays } from '../retention.ts';
import {
  applyTransition,
  isFinal,
  type RejectReason,
  type Ticket,
  type TicketActor,
  type TicketStatus,
  ticketView,
  type WaitingFor,
} from '../tickets.ts';
import { citizenConnections, deliverToCitizen, type TicketDeliveryDeps } from './ticket-delivery.ts';

export interface ChangeTicketStatusDeps extends TicketDeliveryDeps {
  tickets: TicketRepository;
  conversations: ConversationRepository;
  releaser: AssignmentReleaser;
  clock: Clock;
  retentionDays: number;
}

export interface TicketTransition {
  ticketId: string;
  to: TicketStatus;
  actor: TicketActor;
  note?: string;
  waitingFor?: WaitingFor;
  rejectReason?: RejectReason;
}

export interface TicketChange {
  /** The ticket as stored after the change. */
  ticket: Ticket;
  /** The ticket before it. */
  previous: Ticket;
  /** How many of the citizen's connections received `ticket.updated`. */
  deliveredConnections: number;
  /** Seconds from creation to a final status: the resolution time (C7), on final moves only. */
  resolutionSeconds?: number;
}

/** `ticket.setStatus`: the caller (operator or senior) changes a ticket they may change. */
export async function setTicketStatus(
  deps: ChangeTicketStatusDeps,
  caller: Caller,
  request: Omit<TicketTransition, 'actor'>,
): Promise<TicketChange> {
  const ticket = await readTicket(deps, request.ticketId);
  const conversation = await conversationOf(deps, ticket);
  if (!mayChange(caller, ticket, conversation)) throw new ChatError('FORBIDDEN');
  const actor: TicketActor = {
    kind: caller.role === 'senior' ? 'senior' : 'operator',
    id: caller.principalId,
  };
  return commitTransition(deps, { ...request, actor }, ticket, conversation);
}

/** The service's own moves (e.g. the dispatcher's assignment): the rules apply, the caller is trusted. */
export async function transitionTicket(
  deps: ChangeTicketStatusDeps,
  transition: TicketTransition,
): Promise<TicketChange> {
  const ticket = await readTicket(deps, transition.ticketId);
  return commitTransition(deps, transition, ticket, await conversationOf(deps, ticket));
}

function mayChange(caller: Caller, ticket: Ticket, conversation: Conversation | undefined): boolean {
  if (caller.role === 'senior') return true;
  if (caller.role !== 'operator') return false;
  // A portal ticket (no conversation) belongs to no operator: any operator may work on it. A
  // conversation that expired leaves its ticket to seniors.
  if (ticket.conversationId === undefined) return true;
  return conversation?.operatorId === caller.principalId;
}

async function readTicket(deps: ChangeTicketStatusDeps, ticketId: string): Promise<Ticket> {
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket) throw new ChatError('NOT_FOUND');
  return ticket;
}

async function conversationOf(
  deps: ChangeTicketStatusDeps,
  ticket: Ticket,
): Promise<Conversation | undefined> {
  return ticket.conversationId === undefined ? undefined : deps.conversations.get(ticket.conversationId);
}

async function commitTransition(
  deps: ChangeTicketStatusDeps,
  transition: TicketTransition,
  ticket: Ticket,
  conversation: Conversation | undefined,
): Promise<TicketChange> {
  if (ticket.status === transition.to && isFinal(ticket.status) && conversation?.operatorId !== undefined) {
    // A repeat of the final move (its first try failed after the commit): the slot it should have
    // freed is freed now — once, as release is idempotent — and the repeat is CONFLICT as ever.
    await deps.releaser.releaseAssignment(conversation.conversationId, conversation.operatorId);
  }
  const now = deps.clock.now();
  const next = applyTransition(ticket, {
    to: transition.to,
    actor: transition.actor,
    ...(transition.note === undefined ? {} : { note: transition.note }),
    ...(transition.waitingFor === undefined ? {} : { waitingFor: transition.waitingFor }),
    ...(transition.rejectReason === undefined ? {} : { rejectReason: transition.rejectReason }),
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
  });
  const final = isFinal(next.status);
  const closes = final && conversation !== undefined && conversation.state !== 'closed';
  let outcome = await deps.tickets.replace(
    next,
    ticket,
    closes ? { closeConversationId: conversation.conversationId } : {},
  );
  if (outcome === 'conflict' && closes) {
    // The transaction also failed if the conversation vanished (expired) meanwhile: the ticket must
    // still move. Another writer's change shows in its version.
    const current = await deps.tickets.get(ticket.ticketId);
    if (current?.version === ticket.version && current.status === ticket.status) {
      outcome = await deps.tickets.replace(next, ticket);
    }
  }
  if (outcome === 'conflict') throw new ChatError('CONFLICT');

  if (final && conversation?.operatorId !== undefined) {
    await deps.releaser.releaseAssignment(conversation.conversationId, conversation.operatorId);
  }
  const connections = await citizenConnections(deps, next);
  const deliveredConnections = await deliverToCitizen(deps, connections, (lang) =>
    framesFor(next, lang, final),
  );
  return {
    ticket: next,
    previous: ticket,
    deliveredConnections,
    ...(final ? { resolutionSeconds: secondsBetween(ticket.createdAt, next.updatedAt) } : {}),
  };
}

function framesFor(ticket: Ticket, lang: Lang, final: boolean): PushedFrame[] {
  const frames: PushedFrame[] = [{ type: 'ticket.updated', ticket: ticketView(ticket, lang) }];
  const { conversationId } = ticket;
  if (conversationId === undefined) return frames;
  if (ticket.status === 'completed') {
    frames.push({ type: 'feedback.request', conversationId, ticketId: ticket.ticketId });
  }
  if (final) {
    frames.push({
      type: 'conversation.updated',
      conversationId,
      state: 'closed',
      ticket: { ticketId: ticket.ticketId, number: ticket.number },
    });
  }
  return frames;
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}
