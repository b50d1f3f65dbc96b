/**
 * Use case: a conversation changes queues — transferred by its operator (`operator.transfer`, the desk's
 * route calls this through `ConversationMover`), moved to the senior queue when nobody took it
 * within SLA_ASSIGN_SECONDS, or put back after its operator disconnected for good.
 *
 * Primary course:
 *  1. Read the conversation. Closed, gone, or with another operator than the one moving it: not movable.
 *  2. Place it in the target queue as a new entry, in one write: from `queued` only while it still
 *     waits in the entry read (its old entry becomes stale; a second copy of a timer moves nothing),
 *     or from `operator` together with the release of that operator's slot (one transaction).
 *     It keeps its first `queuedAt`, so it goes ahead of everyone who came later. The same write
 *     records what must follow (the ledger): the entry, the SLA timer in a category queue, and the
 *     signals (the target queue has an arrival; a released operator has a free slot).
 *  3. Perform them (`finishFollowUps`): put the entry on the target's SQS queue, send the timer and
 *     the signals, and clear them. A crash before the clear leaves them to a retry or the reconciler.
 *  4. Answer the conversation and its position and estimated wait in the new queue (the caller
 *     tells the citizen).
 */

import type { FollowUps } from '#events/follow-ups.ts';
import type { Conversation } from '../conversations.ts';
import { type OperatorQueueName, SENIOR_QUEUE } from '../operator-roster.ts';
import type { AssignmentStore, OperatorQueues, WaitingLine } from '../ports/assignment.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { finishFollowUps } from './finish-follow-ups.ts';
import { estimateWait, type QueueEstimate } from './queue-estimate.ts';

export interface MoveConversationDeps {
  conversations: ConversationRepository;
  store: Pick<AssignmentStore, 'place'>;
  queues: Pick<OperatorQueues, 'put'>;
  timers: TimerQueue;
  line: WaitingLine;
  operators: Pick<OperatorRepository, 'listOnline'>;
  ledger: FollowUpLedger;
  clock: Clock;
  ids: IdGenerator;
  settings: { slaAssignSeconds: number; averageHandleSeconds: number };
}

export interface ConversationMove {
  conversationId: string;
  to: OperatorQueueName;
  /** The operator who holds it now, when it is with one: their slot is released with the move. */
  fromOperatorId?: string;
  now: Date;
  /** Set when the move is an SLA breach: recorded on the conversation. */
  slaBreachedAt?: string;
  /** Set when an accept timer moves it: only if that assignment is still unaccepted. */
  unacceptedAssignedAt?: string;
}

export type MoveResult =
  | ({
      status: 'moved';
      conversation: Conversation;
      from?: string;
      releasedOperatorId?: string;
    } & QueueEstimate)
  | { status: 'not_movable' };

export async function moveConversation(
  deps: MoveConversationDeps,
  move: ConversationMove,
): Promise<MoveResult> {
  const conversation = await deps.conversations.get(move.conversationId);
  if (!conversation) return { status: 'not_movable' };
  const withOperator = conversation.state === 'operator';
  // A move from an operator (a transfer, a requeue) only while they hold it: a repeat after it
  // left them (a retried transfer, a redelivered timer) moves nothing again.
  if (move.fromOperatorId !== undefined && conversation.operatorId !== move.fromOperatorId) {
    return { status: 'not_movable' };
  }
  if (withOperator && move.fromOperatorId === undefined) return { status: 'not_movable' };
  if (!withOperator && conversation.state !== 'queued') return { status: 'not_movable' };
  const from = withOperator ? conversation.assignedQueue : conversation.queue;
  const queuedAt = conversation.queuedAt ?? move.now.toISOString();
  const entryId = deps.ids.newId();
  const followUps = moveFollowUps(deps, move, { entryId, queuedAt }, withOperator);
  const placed = await deps.store.place(
    move.conversationId,
    { queue: move.to, entryId, queuedAt, now: move.now, followUps },
    {
      ...(withOperator ? { fromOperatorId: move.fromOperatorId } : {}),
      ...(!withOperator && conversation.queueEntryId ? { fromEntryId: conversation.queueEntryId } : {}),
      ...(move.slaBreachedAt ? { slaBreachedAt: move.slaBreachedAt } : {}),
      ...(move.unacceptedAssignedAt ? { unacceptedAssignedAt: move.unacceptedAssignedAt } : {}),
    },
  );
  if (placed.status === 'not_movable') return placed;

  await finishFollowUps(deps, placed.conversation);
  const estimate = await estimateWait(deps, move.to, { conversationId: move.conversationId, queuedAt });
  return {
    status: 'moved',
    conversation: placed.conversation,
    ...(from ? { from } : {}),
    ...(placed.releasedOperatorId ? { releasedOperatorId: placed.releasedOperatorId } : {}),
    ...estimate,
  };
}

/** What follows a move: the new entry, its SLA timer in a category queue, the assignment's signals. */
function moveFollowUps(
  deps: Pick<MoveConversationDeps, 'settings'>,
  move: ConversationMove,
  entry: { entryId: string; queuedAt: string },
  withOperator: boolean,
): FollowUps {
  const { conversationId, to } = move;
  const dueAt = new Date(move.now.getTime() + deps.settings.slaAssignSeconds * 1000).toISOString();
  return {
    entry: { conversationId, queue: to, entryId: entry.entryId, queuedAt: entry.queuedAt },
    timers: [
      ...(to === SENIOR_QUEUE
        ? []
        : [{ kind: 'sla.assign' as const, conversationId, entryId: entry.entryId, dueAt }]),
      { kind: 'queue.arrival', queue: to },
      ...(withOperator && move.fromOperatorId
        ? [{ kind: 'operator.freed' as const, operatorId: move.fromOperatorId }]
        : []),
    ],
  };
}
