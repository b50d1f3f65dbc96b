/**
 * Use case: the presence lease's watch. Each `operator.status` starts one chain of `operator.lease`
 * timers for the operator (its id stored as `leaseWatch`, so older chains go stale); each timer is
 * due when the lease as last seen ends plus OPERATOR_GRACE_SECONDS.
 *
 * Primary course when it fires:
 *  1. Read the operator: gone, or watched by a newer chain → nothing (the chain ends). Offline by
 *     this very watch and still holding conversations (a redelivery after a crash half-way) → 3's
 *     hand-back goes on.
 *  2. The lease was renewed meanwhile (it ends later than the grace allows) → send the timer again,
 *     due at the new end plus the grace.
 *  3. Lapsed for the whole grace period → `offline`, on the condition that the lease is still the one
 *     read (no frame came since), and what they hold goes back to the front of its queue
 *     (`requeueHeld`, as after a lost connection); those behind in line are told their places.
 *
 * Meanwhile a lapsed lease already keeps new assignments away: the assignment's own condition needs
 * a running lease (docs/architecture.md, "Assignment").
 */
import type { OperatorLeaseTimer } from '#events/timers.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { MAX_TIMER_DELAY_SECONDS } from '../ports/timers.ts';
import { announceQueues, type PlacesInLineDeps } from './places-in-line.ts';
import { type RequeueHeldDeps, requeueHeld } from './requeue-held.ts';

export interface LeaseWatchDeps {
  timers: TimerQueue;
  clock: Clock;
  settings: { operatorGraceSeconds: number };
}

/** Sends the chain's next timer: due at the lease's end plus the grace period. */
export async function scheduleLeaseWatch(
  deps: LeaseWatchDeps,
  watch: { operatorId: string; watchId: string; leaseUntil: string },
): Promise<void> {
  const dueMs = Date.parse(watch.leaseUntil) + deps.settings.operatorGraceSeconds * 1000;
  const delay = Math.max(0, Math.ceil((dueMs - deps.clock.now().getTime()) / 1000));
  await deps.timers.schedule(
    {
      kind: 'operator.lease',
      operatorId: watch.operatorId,
      watchId: watch.watchId,
      dueAt: new Date(dueMs).toISOString(),
    },
    Math.min(MAX_TIMER_DELAY_SECONDS, delay),
  );
}

export type EndLeaseDeps = LeaseWatchDeps &
  RequeueHeldDeps &
  PlacesInLineDeps & {
    operators: Pick<OperatorRepository, 'get' | 'markOfflineAfterLapse' | 'listOnline'>;
  };

export type LeaseOutcome = 'stale' | 'rescheduled' | { requeued: number };

export async function endLapsedLease(deps: EndLeaseDeps, timer: OperatorLeaseTimer): Promise<LeaseOutcome> {
  const operator = await deps.operators.get(timer.operatorId);
  if (!operator || operator.leaseWatch !== timer.watchId || operator.leaseUntil === undefined) return 'stale';
  if (operator.status === 'offline') {
    // This watch set them offline and died handing back what they hold (a redelivery): go on.
    if (operator.activeChats === 0) return 'stale';
    return requeueLapsed(deps, operator.operatorId);
  }
  const now = deps.clock.now();
  const graceEnds = Date.parse(operator.leaseUntil) + deps.settings.operatorGraceSeconds * 1000;
  // Under a second early is on time, as for every timer.
  if (graceEnds - now.getTime() >= 1000) {
    await scheduleLeaseWatch(deps, {
      operatorId: operator.operatorId,
      watchId: timer.watchId,
      leaseUntil: operator.leaseUntil,
    });
    return 'rescheduled';
  }
  const offline = await deps.operators.markOfflineAfterLapse(
    operator.operatorId,
    { watchId: timer.watchId, leaseUntil: operator.leaseUntil },
    now,
  );
  if (!offline) return 'stale';
  return requeueLapsed(deps, operator.operatorId);
}

async function requeueLapsed(deps: EndLeaseDeps, operatorId: string): Promise<LeaseOutcome> {
  const queues = await requeueHeld(deps, operatorId);
  // Those behind them in line moved back a place.
  if (queues.length > 0) await announceQueues(deps, new Set(queues));
  return { requeued: queues.length };
}
