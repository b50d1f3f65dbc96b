/**
 * Use case: an escalation arrives from the escalation queue (the bot or `operator.request` queued
 * the conversation). Idempotent on (conversationId, attempt): a redelivery finds what the first
 * delivery did and only repeats its harmless steps.
 *
 * Primary course:
 *  1. Read the conversation; gone, closed or already past this attempt: nothing to do.
 *  2. Open the ticket (the ticket use case `openTicket`, idempotent on (conversationId, attempt)): `received`,
 *     its readable number.
 *  3. Admit the conversation to its category's queue in one conditional write: the ticket, `queue`,
 *     `queuedAt`, a new `queueEntryId`, `dispatchedAttempt`, and what must follow (the ledger): the
 *     entry and, in a category queue, its SLA timer. A redelivery finds them stored and reuses them.
 *  4. Perform the follow-ups (`finishFollowUps`): the entry on the category's SQS operator queue
 *     (FIFO deduplicates a repeat by entry id), the SLA timer; then clear them. A redelivery finds
 *     them pending only if this crashed before the clear, and performs them again.
 *  5. Offer the queue to the online operators with that skill and free slots (`offerQueue`) and
 *     announce what was assigned.
 *  6. If still waiting: tell the citizen `conversation.updated` {queued, ticket, queuePosition, etaSeconds}.
 */
import type { EscalationEvent } from '#events/escalation.ts';
import type { Conversation } from '../conversations.ts';
import { queueNamed, queueOfCategory, SENIOR_QUEUE } from '../operator-roster.ts';
import type { AssignmentTickets } from '../ports/assignment.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { IdGenerator } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { type AssignmentDeps, assignAndAnnounce } from './announce-assignments.ts';
import { offerQueue } from './assign-conversations.ts';
import { finishFollowUps } from './finish-follow-ups.ts';
import { tellWaitingCitizen } from './places-in-line.ts';
import { estimateWait } from './queue-estimate.ts';

export interface AdmitEscalationDeps extends AssignmentDeps {
  tickets: AssignmentTickets;
  timers: TimerQueue;
  ids: IdGenerator;
  ledger: FollowUpLedger;
}

export type AdmitOutcome =
  | { status: 'skipped'; why: 'unknown_conversation' | 'not_waiting' | 'later_attempt' }
  | { status: 'queued'; queue: string; ticketNumber: string; queuePosition: number; etaSeconds: number }
  | { status: 'assigned'; queue: string; ticketNumber: string; operatorId: string };

export async function admitEscalation(
  deps: AdmitEscalationDeps,
  event: EscalationEvent,
  /** The conversation as the caller just read it (consistently): not read again. */
  read?: Conversation,
): Promise<AdmitOutcome> {
  const conversation =
    read?.conversationId === event.conversationId ? read : await deps.conversations.get(event.conversationId);
  if (!conversation) return { status: 'skipped', why: 'unknown_conversation' };
  if ((conversation.dispatchedAttempt ?? 0) > event.attempt)
    return { status: 'skipped', why: 'later_attempt' };
  if (conversation.state !== 'queued' && conversation.dispatchedAttempt !== event.attempt) {
    return { status: 'skipped', why: 'not_waiting' };
  }

  const ticket = await deps.tickets.open({
    conversationId: event.conversationId,
    sessionId: event.sessionId,
    ...(conversation.citizenId ? { citizenId: conversation.citizenId } : {}),
    category: event.category,
    ...(event.intent ? { intent: event.intent } : {}),
    intake: event.intake,
    lang: event.lang,
    attempt: event.attempt,
  });
  const now = deps.clock.now();
  const queueOfEvent = queueOfCategory(event.category);
  const entry = {
    conversationId: event.conversationId,
    queue: queueOfEvent,
    entryId: deps.ids.newId(),
    queuedAt: now.toISOString(),
  };
  const slaDueAt = new Date(now.getTime() + deps.settings.slaAssignSeconds * 1000).toISOString();
  const admitted = await deps.store.admit(event.conversationId, event.attempt, {
    ticketId: ticket.ticketId,
    ticketNumber: ticket.number,
    placement: {
      queue: queueOfEvent,
      entryId: entry.entryId,
      queuedAt: entry.queuedAt,
      now,
      followUps: {
        entry,
        ...(queueOfEvent === SENIOR_QUEUE
          ? {}
          : {
              timers: [
                {
                  kind: 'sla.assign' as const,
                  conversationId: entry.conversationId,
                  entryId: entry.entryId,
                  dueAt: slaDueAt,
                },
              ],
            }),
      },
    },
  });
  if (!admitted || admitted.dispatchedAttempt !== event.attempt)
    return { status: 'skipped', why: 'not_waiting' };
  if (admitted.state === 'operator' && admitted.operatorId) {
    // A redelivery after the first delivery had it assigned: everything was done.
    return {
      status: 'assigned',
      queue: queueNamed(admitted.assignedQueue),
      ticketNumber: ticket.number,
      operatorId: admitted.operatorId,
    };
  }
  if (admitted.state !== 'queued' || !admitted.queue || !admitted.queueEntryId || !admitted.queuedAt) {
    return { status: 'skipped', why: 'not_waiting' };
  }
  const queue = queueNamed(admitted.queue);
  const waiting = {
    conversationId: admitted.conversationId,
    queue,
    entryId: admitted.queueEntryId,
    queuedAt: admitted.queuedAt,
  };
  // The first delivery's own follow-ups, or those a crashed delivery left pending (a redelivery).
  await finishFollowUps(deps, admitted);

  const { run } = await assignAndAnnounce(deps, (d) => offerQueue(d, queue), { touchedQueues: [queue] });
  const mine = run.assignments.find((a) => a.conversation.conversationId === waiting.conversationId);
  if (mine) {
    return { status: 'assigned', queue, ticketNumber: ticket.number, operatorId: mine.operator.operatorId };
  }
  // Its position went out with the queue's (if among the first few); said here again for one further back.
  const estimate = await estimateWait(deps, queue, waiting);
  await tellWaitingCitizen(deps, waiting, estimate);
  return { status: 'queued', queue, ticketNumber: ticket.number, ...estimate };
}
