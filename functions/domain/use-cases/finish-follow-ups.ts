/**
 * Use case: perform what the ledger says must follow a change of the waiting line (docs/architecture.md,
 * "The ledger"), then clear it. Run by the fast path right after the change's commit, by a redelivered
 * message that finds them still pending, and by the reconciler for those a crash left behind.
 *
 * Primary course:
 *  1. Nothing pending: nothing to do.
 *  2. The escalation (when this function may publish one): sent again from the stored event
 *     (FIFO dedup `{conversationId}#{attempt}`; the consumer is idempotent on the attempt beyond).
 *  3. The queue entry: put on its operator queue (FIFO dedup by entry id; a copy that outlives
 *     its stay is stale, and the assignment's condition on the entry id ignores it).
 *  4. The timers and signals: sent to the timer queue (each re-checks the state it acts on when it
 *     fires, so a second copy does nothing).
 *  5. The announcement (when this function can announce): the assignment is told as it would have
 *     been (accept timer, `conversation.assigned`, the ticket in progress).
 *  6. Clear them, on the condition that they are still the ones performed (`followUpsAt`).
 * A step that fails throws and leaves everything pending: the next one to find them does it all again.
 */
import type { FollowUpKind } from '#events/follow-ups.ts';
import type { TimerMessage } from '#events/timers.ts';
import type { Conversation } from '../conversations.ts';
import type { OperatorQueues } from '../ports/assignment.ts';
import type { EscalationQueue } from '../ports/bot.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { Clock } from '../ports/system.ts';
import { MAX_TIMER_DELAY_SECONDS, type TimerQueue } from '../ports/timers.ts';

/** Announces a committed assignment of the conversation to `operatorId` (the assignment's `announceRun`). */
export type AssignmentAnnouncer = (conversation: Conversation, operatorId: string) => Promise<void>;

export interface FinishFollowUpsDeps {
  queues: Pick<OperatorQueues, 'put'>;
  timers: TimerQueue;
  ledger: FollowUpLedger;
  clock: Clock;
  /** Functions that may publish escalations (the reconciler): absent elsewhere, such follow-ups wait. */
  escalations?: EscalationQueue;
  /** Functions that can announce an assignment: absent elsewhere, such follow-ups wait. */
  announce?: AssignmentAnnouncer;
}

export interface FinishedFollowUps {
  /** The kinds performed now (each counts once). */
  performed: FollowUpKind[];
  /** True when nothing is pending any more (cleared now, or nothing was). */
  cleared: boolean;
}

export async function finishFollowUps(
  deps: FinishFollowUpsDeps,
  conversation: Conversation,
): Promise<FinishedFollowUps> {
  const { followUps, followUpsAt } = conversation;
  if (!followUps || !followUpsAt) return { performed: [], cleared: true };
  const performed: FollowUpKind[] = [];
  let complete = true;
  if (followUps.escalation) {
    const event = conversation.escalation?.event;
    if (!deps.escalations) complete = false;
    else if (event && event.attempt === followUps.escalation.attempt && conversation.state === 'queued') {
      await deps.escalations.publish(event);
      performed.push('escalation');
    }
  }
  if (followUps.entry) {
    await deps.queues.put(followUps.entry);
    performed.push('entry');
  }
  if (followUps.timers && followUps.timers.length > 0) {
    const now = deps.clock.now();
    for (const timer of followUps.timers) await deps.timers.schedule(timer, delayOf(timer, now));
    performed.push('timers');
  }
  if (followUps.announce) {
    const stillTheirs =
      conversation.state === 'operator' && conversation.operatorId === followUps.announce.operatorId;
    if (!deps.announce) complete = false;
    else if (stillTheirs) {
      await deps.announce(conversation, followUps.announce.operatorId);
      performed.push('announce');
    }
  }
  if (!complete) return { performed, cleared: false };
  const cleared = await deps.ledger.clear(conversation.conversationId, followUpsAt);
  return { performed, cleared };
}

/** Seconds until a timer is due (a signal: none), within SQS's longest delay (a longer one is chained). */
export function delayOf(timer: TimerMessage, now: Date): number {
  if (!('dueAt' in timer)) return 0;
  const seconds = (Date.parse(timer.dueAt) - now.getTime()) / 1000;
  return Math.max(0, Math.min(MAX_TIMER_DELAY_SECONDS, seconds));
}
