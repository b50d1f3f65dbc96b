/**
 * Use case: a message of the timer queue arrives — a timer that ran out or a signal.
 *
 * - `sla.assign` (docs/requirements.md#sla): SLA_ASSIGN_SECONDS after a conversation started waiting in a category queue.
 *   Longer than SQS's 15-minute delay: sent again for the rest. A copy of a timer that already
 *   moved it (a duplicate, a redelivery) moves nothing: the move is conditional on the entry, and it
 *   finishes the follow-ups the first copy may have left pending. Still waiting in that very entry →
 *   an SLA breach: it moves to the senior queue (keeping its place by its first `queuedAt`), the
 *   breach is recorded on the conversation (the ticket's history says so when a senior takes it)
 *   and counted (`SlaBreaches`), its stale entry is swept from the category queue, the citizen is
 *   told their place in the senior queue. Anything else (taken, moved, closed): nothing to do.
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
 */
import type { OperatorGraceTimer, SlaAssignTimer, TimerMessage } from '#events/timers.ts';
import { queueNamed, SENIOR_QUEUE } from '../operator-roster.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { IdGenerator } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { MAX_TIMER_DELAY_SECONDS } from '../ports/timers.ts';
import { type AssignmentDeps, announceRun } from './announce-assignments.ts';
import { fillOperator, offerQueue } from './assign-conversations.ts';
import { finishFollowUps } from './finish-follow-ups.ts';
import { checkFirstReply, giveBackUnaccepted } from './miss-assignment.ts';
import { moveConversation } from './move-conversation.ts';
import { announceQueues, tellWaitingCitizen } from './places-in-line.ts';
import { requeueHeld } from './requeue-held.ts';
import { endLapsedLease } from './watch-presence.ts';

export interface FireTimerDeps extends AssignmentDeps {
  timers: TimerQueue;
  ids: IdGenerator;
  ledger: FollowUpLedger;
}

export type TimerOutcome =
  | { kind: TimerMessage['kind']; status: 'rescheduled' | 'stale' }
  | { kind: 'sla.assign'; status: 'breached'; from: string }
  | { kind: 'operator.grace' | 'operator.lease'; status: 'requeued'; conversations: number }
  | { kind: 'assignment.accept'; status: 'requeued' }
  | { kind: 'assignment.firstReply'; status: 'replied' | 'missed' }
  | { kind: 'operator.freed' | 'queue.arrival'; status: 'offered'; assigned: number };

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
      const run = await fillOperator(deps, timer.operatorId);
      await announceRun(deps, run);
      return { kind: timer.kind, status: 'offered', assigned: run.assignments.length };
    }
    case 'queue.arrival': {
      const run = await offerQueue(deps, timer.queue);
      await announceRun(deps, run, { touchedQueues: [timer.queue] });
      return { kind: timer.kind, status: 'offered', assigned: run.assignments.length };
    }
  }
}

async function breachSla(deps: FireTimerDeps, timer: SlaAssignTimer): Promise<TimerOutcome> {
  const conversation = await deps.conversations.get(timer.conversationId);
  if (conversation?.state !== 'queued' || conversation.queueEntryId !== timer.entryId) {
    // A redelivery after this timer's move committed and its follow-ups did not: finished here.
    if (conversation) await finishFollowUps(deps, conversation);
    return { kind: timer.kind, status: 'stale' };
  }
  const from = queueNamed(conversation.queue);
  if (from === SENIOR_QUEUE) return { kind: timer.kind, status: 'stale' };
  const now = deps.clock.now();
  const moved = await moveConversation(deps, {
    conversationId: timer.conversationId,
    to: SENIOR_QUEUE,
    now,
    slaBreachedAt: now.toISOString(),
  });
  if (moved.status !== 'moved') return { kind: timer.kind, status: 'stale' };
  deps.metrics.slaBreached(from);
  await sweepStale(deps, from);
  // Those behind it in the category queue moved up a place.
  await announceQueues(deps, [from]);
  await tellWaitingCitizen(
    deps,
    { conversationId: moved.conversation.conversationId, entryId: moved.conversation.queueEntryId ?? '' },
    moved,
  );
  return { kind: timer.kind, status: 'breached', from };
}

/**
 * The entry a breach leaves in the category queue would keep its oldest-message age (the docs/requirements.md#alarms alarm)
 * up until an assigning function happened to receive it: one receive of the queue's head deletes what is
 * stale and gives the rest back at once. Best effort: a miss is deleted by the next assigning function.
 */
async function sweepStale(deps: FireTimerDeps, queue: ReturnType<typeof queueNamed>): Promise<void> {
  try {
    const received = await deps.queues.receive(queue, 10, deps.settings.assignmentVisibilitySeconds);
    await Promise.all(
      received.map(async ({ entry, receipt }) => {
        const conversation = await deps.conversations.get(entry.conversationId);
        const waiting = conversation?.state === 'queued' && conversation.queueEntryId === entry.entryId;
        await (waiting ? deps.queues.giveBack(queue, receipt) : deps.queues.remove(queue, receipt));
      }),
    );
  } catch {
    // Left for the next assigning function: a stale entry it receives is deleted then.
  }
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
