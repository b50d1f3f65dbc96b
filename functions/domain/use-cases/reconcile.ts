/**
 * Use case: the reconciler (docs/architecture.md, "The reconciler"), run on a schedule. DynamoDB is
 * the one record of who waits where, who holds what and which timers are due; whatever a crash left
 * undone around it is finished here, and each repair is counted (`ReconcilerRepairs`, by kind), since
 * each one means a fault happened. Everything it does is what the fast path or a timer would have
 * done, through the same idempotent use cases, so running it while they run changes nothing twice.
 *
 * One run:
 *  1. Follow-ups pending for longer than RECONCILE_AFTER_SECONDS (`byFollowUpKeys`): performed and
 *     cleared (`finishFollowUps`) — a queue entry never sent, a timer, an announcement, an escalation.
 *  2. Operators:
 *     - online, with no connection and no disconnect recorded (a `$disconnect` that never ran):
 *       the disconnect is recorded and the grace timer started (`ghost_operator`);
 *     - a disconnect older than the grace period plus the margin: the grace timer's work (`grace_timer`);
 *     - a lease lapsed longer ago than the grace period plus the margin: the lease watch's work (`lease_timer`);
 *     - offline or away, still holding conversations announced and never accepted past their accept
 *       window (`acceptDueAt`: ACCEPT_SECONDS from the frame), or
 *       offline holding any: put back at the front of their queues (`accept_timer`, `held_by_absent`);
 *     - holding a conversation accepted longer ago than FIRST_REPLY_SECONDS plus the margin, with
 *       no reply since and its check not made: the first-reply timer's work (`first_reply_timer`).
 *  3. Waiting conversations (`byQueueLine`): in a category queue past SLA_ASSIGN_SECONDS plus the margin
 *     since their entry was made: the SLA timer's work (`sla_timer`); a breached stay whose breach
 *     was recorded and never counted: counted (`sla_count`, `count-breach.ts`).
 *  4. Capacity meets work: each queue with someone waiting is offered to the present operators with
 *     the skill; a conversation assigned here that had waited longer than the margin counts (`idle_capacity`).
 *  5. The line tick: someone waits (or the last tick told someone did) and no tick has run for two
 *     periods plus the margin — a `line.tick` lost between its claim and its send broke the chain —
 *     the next period's tick is asked for (`line_tick`).
 */
import type { FollowUpKind } from '#events/follow-ups.ts';
import * as z from '#events/zod.ts';
import type { Conversation } from '../conversations.ts';
import {
  isPresent,
  OPERATOR_QUEUES,
  type Operator,
  type OperatorQueueName,
  queueNamed,
  SENIOR_QUEUE,
} from '../operator-roster.ts';
import type { EscalationQueue } from '../ports/bot.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { LineTold } from '../ports/line-ticks.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import { breachedThisStay } from '../sla.ts';
import { announceRun, assignAndAnnounce } from './announce-assignments.ts';
import { type Assignment, type AssignmentSettings, offerQueue } from './assign-conversations.ts';
import { countBreach } from './count-breach.ts';
import { finishFollowUps } from './finish-follow-ups.ts';
import { type FireTimerDeps, fireTimer } from './fire-timer.ts';
import { requestLineTick } from './places-in-line.ts';
import { requeueHeld } from './requeue-held.ts';

export const REPAIR_KINDS = [
  'queue_entry',
  'timers',
  'announcement',
  'escalation',
  'ghost_operator',
  'grace_timer',
  'lease_timer',
  'accept_timer',
  'held_by_absent',
  'sla_timer',
  'sla_count',
  'first_reply_timer',
  'idle_capacity',
  'line_tick',
] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

/** `ReconcilerRepairs` (EMF, dimension `kind`): one per repair. */
export interface RepairMetrics {
  repaired(kind: RepairKind, count: number): void;
}

export interface ReconcileSettings extends AssignmentSettings {
  /** How late a follow-up or a timer must be before the reconciler does its work. */
  reconcileAfterSeconds: number;
}

export interface ReconcileDeps extends FireTimerDeps {
  operators: FireTimerDeps['operators'] & Pick<OperatorRepository, 'listWithStatus'>;
  ledger: FollowUpLedger;
  escalations: EscalationQueue;
  repairs: RepairMetrics;
  settings: ReconcileSettings;
}

export type Repairs = Partial<Record<RepairKind, number>>;

/** Pending follow-ups and waiting conversations read per run (the next run takes the rest). */
const PAGE = 100;

const FOLLOW_UP_REPAIR: Record<FollowUpKind, RepairKind> = {
  entry: 'queue_entry',
  timers: 'timers',
  announce: 'announcement',
  escalation: 'escalation',
};

export async function reconcile(deps: ReconcileDeps): Promise<Repairs> {
  const repairs: Repairs = {};
  const count = (kind: RepairKind, n = 1) => {
    if (n > 0) repairs[kind] = (repairs[kind] ?? 0) + n;
  };
  await finishPendingFollowUps(deps, count);
  await reconcileOperators(deps, count);
  await reconcileWaiting(deps, count);
  const waitingIn = await offerIdleCapacity(deps, count);
  await reconcileLineTick(deps, waitingIn, count);
  for (const [kind, n] of Object.entries(repairs)) deps.repairs.repaired(kind as RepairKind, n);
  return repairs;
}

type Count = (kind: RepairKind, n?: number) => void;

const secondsAgo = (deps: ReconcileDeps, seconds: number): number =>
  deps.clock.now().getTime() - seconds * 1000;

async function finishPendingFollowUps(deps: ReconcileDeps, count: Count): Promise<void> {
  const before = new Date(secondsAgo(deps, deps.settings.reconcileAfterSeconds)).toISOString();
  const pending = await deps.ledger.pending(before, PAGE);
  for (const listed of pending) {
    // The index lags: the item as it is now decides.
    const conversation = await deps.conversations.get(listed.conversationId);
    if (!conversation?.followUps || !conversation.followUpsAt || conversation.followUpsAt >= before) continue;
    const { performed } = await finishFollowUps(
      { ...deps, announce: (c, operatorId) => announceAgain(deps, c, operatorId) },
      conversation,
    );
    for (const kind of performed) count(FOLLOW_UP_REPAIR[kind]);
  }
}

/** The assignment's announcement, as `announceRun` makes it after the commit. */
async function announceAgain(deps: ReconcileDeps, conversation: Conversation, operatorId: string) {
  const operator = await deps.operators.get(operatorId);
  if (!operator) return;
  const assignment: Assignment = {
    conversation,
    operator,
    queue: queueNamed(conversation.assignedQueue ?? conversation.category),
    queuedAt: conversation.queuedAt ?? conversation.assignedAt ?? conversation.updatedAt,
  };
  await announceRun(deps, { assignments: [assignment], drained: new Set(), returned: new Set() });
}

async function reconcileOperators(deps: ReconcileDeps, count: Count): Promise<void> {
  const { operatorGraceSeconds, reconcileAfterSeconds } = deps.settings;
  const overdue = secondsAgo(deps, operatorGraceSeconds + reconcileAfterSeconds);
  const [online, away, offline] = await Promise.all([
    deps.operators.listWithStatus('online'),
    deps.operators.listWithStatus('away'),
    deps.operators.listWithStatus('offline'),
  ]);
  for (const listed of [...online, ...away]) {
    const operator = await deps.operators.get(listed.operatorId);
    if (!operator || operator.status === 'offline') continue;
    if (operator.disconnectedAt === undefined) {
      const connections = await deps.connections.listByPrincipal(operator.operatorId);
      if (connections.length === 0 && operator.status === 'online') {
        // Nobody is connected and nobody said so: as if `$disconnect` had run now.
        const at = deps.clock.now();
        if (await deps.operators.markDisconnected(operator.operatorId, at.toISOString())) {
          await deps.timers.schedule(
            {
              kind: 'operator.grace',
              operatorId: operator.operatorId,
              disconnectedAt: at.toISOString(),
              dueAt: new Date(at.getTime() + operatorGraceSeconds * 1000).toISOString(),
            },
            operatorGraceSeconds,
          );
          count('ghost_operator');
        }
        continue;
      }
    } else if (Date.parse(operator.disconnectedAt) < overdue) {
      const outcome = await fireTimer(deps, {
        kind: 'operator.grace',
        operatorId: operator.operatorId,
        disconnectedAt: operator.disconnectedAt,
        dueAt: operator.disconnectedAt,
      });
      if (outcome.status === 'requeued') count('grace_timer');
      continue;
    }
    if (operator.leaseUntil && operator.leaseWatch && Date.parse(operator.leaseUntil) < overdue) {
      const outcome = await fireTimer(deps, {
        kind: 'operator.lease',
        operatorId: operator.operatorId,
        watchId: operator.leaseWatch,
        dueAt: operator.leaseUntil,
      });
      if (outcome.status === 'requeued') count('lease_timer');
      continue;
    }
    await reconcileHeld(deps, operator, count);
  }
  for (const listed of offline) {
    if (listed.activeChats === 0) continue;
    const operator = await deps.operators.get(listed.operatorId);
    if (operator?.status !== 'offline' || operator.activeChats === 0) continue;
    const queues = await requeueHeld(deps, operator.operatorId);
    count('held_by_absent', queues.length);
  }
}

/**
 * An assignment left unaccepted past its accept window plus the margin: the accept timer's work; one
 * accepted and not answered past FIRST_REPLY_SECONDS plus the margin: the first-reply timer's.
 */
async function reconcileHeld(deps: ReconcileDeps, operator: Operator, count: Count): Promise<void> {
  if (operator.activeChats === 0) return;
  const silent = secondsAgo(deps, deps.settings.firstReplySeconds + deps.settings.reconcileAfterSeconds);
  for (const conversation of await deps.store.heldBy(operator.operatorId)) {
    const { assignedAt, acceptedAt } = conversation;
    if (acceptedAt !== undefined) {
      const answered = (conversation.lastOperatorReplyAt ?? '') >= acceptedAt;
      if (answered || conversation.firstReplyCheckedFor === acceptedAt || Date.parse(acceptedAt) >= silent)
        continue;
      const outcome = await fireTimer(deps, {
        kind: 'assignment.firstReply',
        conversationId: conversation.conversationId,
        operatorId: operator.operatorId,
        acceptedAt,
        dueAt: acceptedAt,
      });
      if (outcome.status === 'missed') count('first_reply_timer');
      continue;
    }
    if (assignedAt === undefined) continue;
    // Its window ends ACCEPT_SECONDS after its frame went out (recorded with the announcement);
    // counted from the commit only when that was not recorded.
    const { acceptDueAt } = conversation;
    const due =
      acceptDueAt !== undefined && acceptDueAt > assignedAt
        ? Date.parse(acceptDueAt)
        : Date.parse(assignedAt) + deps.settings.acceptSeconds * 1000;
    if (due > secondsAgo(deps, deps.settings.reconcileAfterSeconds)) continue;
    // Not announced yet: step 1 announces it, and its accept timer runs from that frame.
    if (conversation.followUps?.announce) continue;
    const outcome = await fireTimer(deps, {
      kind: 'assignment.accept',
      conversationId: conversation.conversationId,
      operatorId: operator.operatorId,
      assignedAt,
      dueAt: assignedAt,
    });
    if (outcome.status === 'requeued') count('accept_timer');
  }
}

async function reconcileWaiting(deps: ReconcileDeps, count: Count): Promise<void> {
  const late = secondsAgo(deps, deps.settings.slaAssignSeconds + deps.settings.reconcileAfterSeconds);
  for (const queue of OPERATOR_QUEUES) {
    if (queue === SENIOR_QUEUE) continue;
    for (const waiting of await deps.line.first(queue, PAGE)) {
      if (Date.parse(waiting.queuedAt) >= late) break;
      const conversation = await deps.conversations.get(waiting.conversationId);
      if (conversation?.state !== 'queued' || conversation.queue !== queue) continue;
      const { queueEntryId, queueEnteredAt } = conversation;
      if (!queueEntryId || !queueEnteredAt || Date.parse(queueEnteredAt) >= late) continue;
      // Its timer did fire: a breached stay waits on at the head of its queue (docs/requirements.md#sla),
      // counted unless the timer died between recording the breach and counting it.
      if (breachedThisStay(conversation)) {
        if (await countBreach(deps, conversation, queue)) count('sla_count');
        continue;
      }
      const outcome = await fireTimer(deps, {
        kind: 'sla.assign',
        conversationId: conversation.conversationId,
        entryId: queueEntryId,
        dueAt: queueEnteredAt,
      });
      if (outcome.status === 'breached') count('sla_timer');
    }
  }
}

/** Offers every queue with someone waiting to the present operators; answers those queues. */
async function offerIdleCapacity(deps: ReconcileDeps, count: Count): Promise<OperatorQueueName[]> {
  const waitingIn: OperatorQueueName[] = [];
  for (const queue of OPERATOR_QUEUES)
    if ((await deps.line.first(queue, 1)).length > 0) waitingIn.push(queue);
  const now = deps.clock.now();
  const present = (await deps.operators.listOnline()).filter((o) => isPresent(o, now));
  if (present.length === 0) return waitingIn;
  const late = secondsAgo(deps, deps.settings.reconcileAfterSeconds);
  for (const queue of waitingIn) {
    const { run } = await assignAndAnnounce(deps, (d) => offerQueue(d, queue), { touchedQueues: [queue] });
    const waitedLong = run.assignments.filter((a) => {
      const entered = a.conversation.queueEnteredAt ?? a.queuedAt;
      return Date.parse(entered) < late;
    });
    count('idle_capacity', waitedLong.length);
  }
  return waitingIn;
}

/**
 * A line tick chain that broke (step 5 of the header): asked for again, at most once per period
 * (`requestLineTick`'s claim), counted when this run scheduled it.
 */
async function reconcileLineTick(
  deps: ReconcileDeps,
  waitingIn: readonly OperatorQueueName[],
  count: Count,
): Promise<void> {
  const last = await deps.ticks.lastTold();
  const overdue = secondsAgo(deps, 2 * deps.settings.lineTickSeconds + deps.settings.reconcileAfterSeconds);
  if (last !== undefined && Date.parse(last.periodStart) >= overdue) return;
  if (waitingIn.length === 0 && !toldSomeoneWaiting(last)) return;
  if (await requestLineTick(deps)) count('line_tick');
}

/** Whether the last tick's `queue.stats` showed anyone waiting (operators still see that). */
function toldSomeoneWaiting(last: LineTold | undefined): boolean {
  if (last === undefined) return false;
  const told = toldStatsSchema.safeParse(JSON.parse(last.stats));
  return told.success && Object.values(told.data).some((q) => q.waiting > 0);
}

const toldStatsSchema = z.record(z.string(), z.object({ waiting: z.number() }));
