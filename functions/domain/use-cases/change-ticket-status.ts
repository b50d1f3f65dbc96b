/**
 * Use case: move a ticket to another status (docs/requirements.md#tickets). Two entry points: `setTicketStatus` for
 * the `ticket.setStatus` route (checks that the operator may change this ticket), and
 * `transitionTicket` for the service's own moves (the assignment's assignment → `in_progress`,
 * actor `operator`), which checks the rules but not who asks.
 *
 * Primary course:
 *  1. Read the ticket consistently; unknown → NOT_FOUND.
 *  2. (`setTicketStatus`) A senior may change any ticket; an operator only the ticket of a
 *     conversation assigned to them (`operatorId`), or one with no conversation (the portal's form);
 *     anyone else → FORBIDDEN.
 *  3. Apply the state machine: a forbidden move → CONFLICT, `waiting` without `waitingFor` or
 *     `rejected` without `rejectReason` → BAD_REQUEST. The transition is appended to the history.
 *  4. Write it on the condition that the version and status are still those read (and, for an
 *     operator, that the conversation is still theirs), so of two concurrent changes exactly one is
 *     stored; the other → CONFLICT, and nothing of it is stored. A final status closes the ticket's
 *     conversation in the same transaction. A write that failed only because the conversation
 *     changed (a transfer, an expiry) is decided again from step 2.
 *  5. A final status frees the operator's capacity (the assignment's `releaseAssignment`, idempotent),
 *     while the citizen's connections are looked up. Repeating a final move (after a failure past
 *     the commit) frees it then, and answers CONFLICT.
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
import type { ConversationRepository } from '../ports/conversations.ts';
import type { PushedFrame } from '../ports/delivery.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { Clock } from '../ports/system.ts';
import type { AssignmentReleaser, TicketRepository } from '../ports/tickets.ts';
import { expiresAfterDays } from '../retention.ts';
import {
  applyTransition,
  isFinal,
  isInStaffScope,
  type RejectReason,
  type StaffScope,
  type Ticket,
  type TicketActor,
  type TicketStatus,
  ticketView,
  type WaitingFor,
} from '../tickets.ts';
import { staffScopeOf } from './staff-scope.ts';
import { citizenConnections, deliverToCitizen, type TicketDeliveryDeps } from './ticket-delivery.ts';

export interface ChangeTicketStatusDeps extends TicketDeliveryDeps {
  tickets: TicketRepository;
  conversations: ConversationRepository;
  releaser: AssignmentReleaser;
  clock: Clock;
  /** Days a ticket is kept after its last change (TICKET_RETENTION_DAYS). */
  retentionDays: number;
}

export interface TicketTransition {
  ticketId: string;
  to: TicketStatus;
  actor: TicketActor;
  note?: string;
  /** For staff and the audit only (docs/protocol.md, "Tickets"). */
  staffNote?: string;
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
  /** Seconds from creation to a final status: the resolution time (docs/requirements.md#sla), on final moves only. */
  resolutionSeconds?: number;
}

/** `ticket.setStatus`: the caller (operator or senior) changes a ticket they may change. */
export async function setTicketStatus(
  // Whose skills an operator's scope of portal tickets is read from.
  deps: ChangeTicketStatusDeps & { operators: Pick<OperatorRepository, 'get'> },
  caller: Caller,
  request: Omit<TicketTransition, 'actor'>,
): Promise<TicketChange> {
  const actor: TicketActor = {
    kind: caller.role === 'senior' ? 'senior' : 'operator',
    id: caller.principalId,
  };
  const scope = await staffScopeOf(deps, caller);
  return commitTransition(deps, { ...request, actor }, { caller, scope });
}

/**
 * The service's own moves (e.g. the assignment's move to `in_progress`): the rules apply, the caller
 * is trusted. `read`: the ticket as the caller just read it (consistently), not read again.
 */
export async function transitionTicket(
  deps: ChangeTicketStatusDeps,
  transition: TicketTransition,
  read?: Ticket,
): Promise<TicketChange> {
  return commitTransition(deps, transition, undefined, read);
}

/** Writes that failed on the conversation alone (it changed meanwhile) are decided again this often. */
const CONVERSATION_RETRIES = 3;

/**
 * Who may change the ticket: a senior any; an operator a portal ticket (no conversation: it belongs
 * to no operator) of a queue they serve, or the ticket of a conversation assigned to them — checked
 * again in the write (`whileAssigned`), so a transfer at the same moment cannot be overtaken.
 */
function mayChange(
  { caller, scope }: ChangingStaff,
  ticket: Ticket,
  conversation: Conversation | undefined,
): boolean {
  if (caller.role === 'senior') return true;
  if (caller.role !== 'operator') return false;
  if (ticket.conversationId === undefined) return isInStaffScope(ticket, scope);
  return conversation?.operatorId === caller.principalId;
}

/** The member of staff who asks for a change, and the tickets they work with. */
interface ChangingStaff {
  caller: Caller;
  scope: StaffScope;
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

/** `staff`: who asks for `ticket.setStatus`, undefined for the service's own moves. */
async function commitTransition(
  deps: ChangeTicketStatusDeps,
  transition: TicketTransition,
  staff: ChangingStaff | undefined,
  read?: Ticket,
): Promise<TicketChange> {
  const caller = staff?.caller;
  const ticket = read?.ticketId === transition.ticketId ? read : await readTicket(deps, transition.ticketId);
  // The conversation decides who may change it and what a final status closes and frees: a
  // service's move to a status that is not final needs neither.
  const needsConversation = caller !== undefined || isFinal(transition.to);
  for (let attempt = 1; ; attempt++) {
    const conversation = needsConversation ? await conversationOf(deps, ticket) : undefined;
    if (staff && !mayChange(staff, ticket, conversation)) throw new ChatError('FORBIDDEN');
    const written = await writeTransition(deps, transition, ticket, conversation, caller);
    if (written) return deliver(deps, ticket, written, conversation);
    // Nothing written. The ticket moved on → CONFLICT; else only the conversation changed (a
    // transfer, an expiry): decide again on its new state.
    const current = await deps.tickets.get(ticket.ticketId);
    if (current?.version !== ticket.version || attempt >= CONVERSATION_RETRIES)
      throw new ChatError('CONFLICT');
  }
}

/** The ticket as written, or undefined when the conditional write found a changed ticket or conversation. */
async function writeTransition(
  deps: ChangeTicketStatusDeps,
  transition: TicketTransition,
  ticket: Ticket,
  conversation: Conversation | undefined,
  caller: Caller | undefined,
): Promise<Ticket | undefined> {
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
    ...(transition.staffNote === undefined ? {} : { staffNote: transition.staffNote }),
    ...(transition.waitingFor === undefined ? {} : { waitingFor: transition.waitingFor }),
    ...(transition.rejectReason === undefined ? {} : { rejectReason: transition.rejectReason }),
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
  });
  const closes = isFinal(next.status) && conversation !== undefined && conversation.state !== 'closed';
  const checksAssignment = caller?.role === 'operator' && conversation?.operatorId !== undefined;
  const outcome = await deps.tickets.replace(next, ticket, {
    ...(closes ? { closeConversationId: conversation.conversationId } : {}),
    ...(checksAssignment
      ? { whileAssigned: { conversationId: conversation.conversationId, operatorId: caller.principalId } }
      : {}),
  });
  return outcome === 'replaced' ? next : undefined;
}

/** After the commit: free the operator's slot on a final status, then tell the citizen. */
async function deliver(
  deps: ChangeTicketStatusDeps,
  previous: Ticket,
  ticket: Ticket,
  conversation: Conversation | undefined,
): Promise<TicketChange> {
  const final = isFinal(ticket.status);
  // Freeing the slot and finding the citizen's connections do not wait for each other: a route
  // answers within its timeout on a busy stack only with its calls overlapped where they can be.
  const [, connections] = await Promise.all([
    final && conversation?.operatorId !== undefined
      ? deps.releaser.releaseAssignment(conversation.conversationId, conversation.operatorId)
      : undefined,
    citizenConnections(deps, ticket),
  ]);
  const deliveredConnections = await deliverToCitizen(deps, connections, (lang) =>
    framesFor(ticket, lang, final),
  );
  return {
    ticket,
    previous,
    deliveredConnections,
    ...(final ? { resolutionSeconds: secondsBetween(previous.createdAt, ticket.updatedAt) } : {}),
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
