/**
 * Use case: a message of the timer queue arrives — a timer that ran out or a signal.
 *
 * - `sla.assign` (docs/requirements.md#sla): SLA_ASSIGN_SECONDS after a conversation started waiting in a category queue.
 *   Longer than SQS's 15-minute delay: sent again for the rest. Still waiting in that very entry →
 *   an SLA breach: recorded on the conversation and for the hourly report in one transaction, and
 *   counted (`SlaBreaches`) from that record once per entry (`count-breach.ts`: a repeated timer
 *   counts what a first copy recorded and did not count, never twice); the entry stays
 *   at the head of its category queue and is offered to the seniors first, then to everyone with
 *   the skill (`offerBreached`). Anything else (taken, moved, closed): nothing to do but finish
 *   the follow-ups that change may have left pending (the ledger).
 * - `operator.grace`: OPERATOR_GRACE_SECONDS after an operator's last connection closed. They came
 *   back (a connection, or any `operator.status` since) → nothing. Else they go `offline` and
 *   what they hold goes back to the front of its queue (`requeueHeld`).
 * - `operator.lease`: a presence lease's end plus OPERATOR_GRACE_SECONDS (`watch-presence.ts`): renewed
 *   → sent again; lapsed → `offline`, and what they hold goes back to the front of its queue.
 * - `assignment.accept`, `assignment.firstReply` (`miss-assignment.ts`): an assignment not accepted
 *   within ACCEPT_SECONDS goes back to the front of its queue and its operator is set `away`; an
 *   accepted one without a reply within FIRST_REPLY_SECONDS is counted.
 * - `operator.freed`: a slot was freed (a ticket done, a transfer) → `fillOperator`.
 * - `queue.arrival`: a conversation was queued outside the assignment → `offerQueue`.
 * - `line.tick`: the period's line tick (`places-in-line.ts`): `queue.stats` and places in line,
 *   each only when changed, once per period.
 */
import type { OperatorGraceTimer, SlaAssignTimer, TimerMessage } from '#events/timers.ts';
import { queueNamed, SENIOR_QUEUE } from '../operator-roster.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { SlaRecords } from '../ports/sla.ts';
import type { IdGenerator } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { MAX_TIMER_DELAY_SECONDS } from '../ports/timers.ts';
import { type AssignmentDeps, assignAndAnnounce } from './announce-assignments.ts';
import { fillOperator, offerBreached, offerQueue } from './assign-conversations.ts';
import { countBreach } from './count-breach.ts';
import { finishFollowUps } from './finish-follow-ups.ts';
import { checkFirstReply, giveBackUnaccepted } from './miss-assignment.ts';
import { announceQueues, type LineTickOutcome, runLineTick } from './places-in-line.ts';
import { requeueHeld } from './requeue-held.ts';
import { endLapsedLease } from './watch-presence.ts';

export interface FireTimerDeps extends AssignmentDeps {
  timers: TimerQueue;
  ids: IdGenerator;
  /** Where an SLA breach is recorded (on the conversation and for the hourly report) and counted. */
  sla: Pick<SlaRecords, 'recordBreach' | 'recordAssignment' | 'markBreachCounted'>;
  ledger: FollowUpLedger;
}

export type TimerOutcome =
  | { kind: TimerMessage['kind']; status: 'rescheduled' | 'stale' }
  /** `repeated`: this entry's breach was recorded by an earlier copy of the timer (not counted again). */
  | { kind: 'sla.assign'; status: 'breached' | 'repeated'; from: string }
  | { kind: 'operator.grace' | 'operator.lease'; status: 'requeued'; conversations: number }
  | { kind: 'assignment.accept'; status: 'requeued' }
  | { kind: 'assignment.firstReply'; status: 'replied' | 'missed' }
  | { kind: 'operator.freed' | 'queue.arrival'; status: 'offered'; assigned: number }
  | ({ kind: 'line.tick' } & LineTickOutcome);

export async function fireTimer(deps: FireTimerDeps, timer: TimerMessage): Promise<TimerOutcome> {
  if ('dueAt' in timer) {
    const remaining = (Date.parse(timer.dueAt) - deps.clock.now().getTime()) / 1000;
    // SQS delays top out at 15 minutes: a longer timer is chained. Under a second early is on time.
    if (remaining >= 1) {
      await deps.timers.schedule(timer, Math.min(MAX_TIMER_DELAY_SECONDS, remaining));
      return { kind: timer.kind, status: 'rescheduled' };
    }
  }
  switch (timer.kind) {
    case 'sla.assign':
      return breachSla(deps, timer);
    case 'operator.grace':
      return endGrace(deps, timer);
    case 'operator.lease': {
      const outcome = await endLapsedLease(deps, timer);
      return typeof outcome === 'string'
        ? { kind: timer.kind, status: outcome }
        : { kind: timer.kind, status: 'requeued', conversations: outcome.requeued };
    }
    case 'assignment.accept':
      return { kind: timer.kind, status: await giveBackUnaccepted(deps, timer) };
    case 'assignment.firstReply':
      return { kind: timer.kind, status: await checkFirstReply(deps, timer) };
    case 'operator.freed': {
      const { run } = await assignAndAnnounce(deps, (d) => fillOperator(d, timer.operatorId));
      return { kind: timer.kind, status: 'offered', assigned: run.assignments.length };
    }
    case 'queue.arrival': {
      const { run } = await assignAndAnnounce(deps, (d) => offerQueue(d, timer.queue), {
        touchedQueues: [timer.queue],
      });
      return { kind: timer.kind, status: 'offered', assigned: run.assignments.length };
    }
    case 'line.tick':
      return { kind: timer.kind, ...(await runLineTick(deps, timer.periodStart)) };
  }
}

async function breachSla(deps: FireTimerDeps, timer: SlaAssignTimer): Promise<TimerOutcome> {
  const conversation = await deps.conversations.get(timer.conversationId);
  if (conversation?.state !== 'queued' || conversation.queueEntryId !== timer.entryId) {
    // It left this entry (taken, moved, put back): what that change left pending is finished here,
    // and a breach of this entry recorded by a first copy that died before counting it is counted.
    if (conversation) {
      await finishFollowUps(deps, conversation);
      if (conversation.slaBreachedEntryId === timer.entryId)
        await countBreach(deps, conversation, queueNamed(conversation.assignedQueue ?? conversation.queue));
    }
    return { kind: timer.kind, status: 'stale' };
  }
  const from = queueNamed(conversation.queue);
  if (from === SENIOR_QUEUE || conversation.queuedAt === undefined)
    return { kind: timer.kind, status: 'stale' };
  const breach = await deps.sla.recordBreach(conversation, deps.clock.now());
  if (breach.status === 'stale') return { kind: timer.kind, status: 'stale' };
  // Counted from the record (`count-breach.ts`): by this copy, or by the next one if this one dies here.
  await countBreach(deps, breach.status === 'breached' ? breach.conversation : conversation, from);
  // A repeated timer offers again (its put into the senior queue is deduplicated): a first copy
  // that failed after recording the breach is finished by the next.
  const entry = {
    conversationId: conversation.conversationId,
    queue: from,
    entryId: timer.entryId,
    queuedAt: conversation.queuedAt,
  };
  await assignAndAnnounce(deps, (d) => offerBreached(d, entry), { touchedQueues: [SENIOR_QUEUE] });
  return { kind: timer.kind, status: breach.status === 'breached' ? 'breached' : 'repeated', from };
}

async function endGrace(deps: FireTimerDeps, timer: OperatorGraceTimer): Promise<TimerOutcome> {
  const connections = await deps.connections.listByPrincipal(timer.operatorId);
  if (connections.length > 0) return { kind: timer.kind, status: 'stale' };
  const offline = await deps.operators.markOfflineAfterGrace(
    timer.operatorId,
    timer.disconnectedAt,
    deps.clock.now(),
  );
  if (!offline) return { kind: timer.kind, status: 'stale' };
  const queues = await requeueHeld(deps, timer.operatorId);
  // Those behind them in line moved back a place.
  if (queues.length > 0) await announceQueues(deps, new Set(queues));
  return { kind: timer.kind, status: 'requeued', conversations: queues.length };
}
