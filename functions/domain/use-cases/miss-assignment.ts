/**
 * Use case: the timers of an assignment's first minute (docs/architecture.md, "Assignment").
 *
 * - `assignment.accept`, ACCEPT_SECONDS after the assignment. Still with that operator, from that
 *   very assignment, and not accepted → the operator is set `away` first (so the assignment does not
 *   hand it straight back to them), then the conversation goes back to the front of the queue it came
 *   from, in its original place (its first `queuedAt`), on the condition that it is still unaccepted:
 *   an accept racing the timer wins or loses as a whole (an accept that wins undoes the `away`).
 *   `MissedAssignments` counts it; the citizen is told their place, the operator's consoles their
 *   new `operator.state`.
 * - `assignment.firstReply`, FIRST_REPLY_SECONDS after an acceptance. Still with that operator from
 *   that acceptance and no operator reply since → `MissedFirstReplies` counts it, once per acceptance
 *   (`firstReplyCheckedFor`, claimed by one conditional write: a second copy of the timer, or the
 *   reconciler doing its work, counts nothing more); the conversation stays where it is: the
 *   operator is there, only slow.
 */
import type { AssignmentAcceptTimer, FirstReplyTimer } from '#events/timers.ts';
import { queueNamed } from '../operator-roster.ts';
import type { AssignmentDeps } from './announce-assignments.ts';
import { finishFollowUps } from './finish-follow-ups.ts';
import { moveConversation } from './move-conversation.ts';
import { announceQueues, tellWaitingCitizen } from './places-in-line.ts';
import { postToAll } from './post-frames.ts';
import { operatorStateFrame, type SetOperatorStatusDeps } from './set-operator-status.ts';

export type MissAssignmentDeps = SetOperatorStatusDeps & AssignmentDeps;

export async function giveBackUnaccepted(
  deps: MissAssignmentDeps,
  timer: AssignmentAcceptTimer,
): Promise<'stale' | 'requeued'> {
  const conversation = await deps.conversations.get(timer.conversationId);
  if (
    conversation?.state !== 'operator' ||
    conversation.operatorId !== timer.operatorId ||
    conversation.assignedAt !== timer.assignedAt ||
    conversation.acceptedAt !== undefined
  ) {
    // A redelivery after this timer's move committed and its follow-ups did not: finished here.
    if (conversation) await finishFollowUps(deps, conversation);
    return 'stale';
  }
  const now = deps.clock.now();
  const away = await deps.operators.setAway(timer.operatorId, now);
  const moved = await moveConversation(deps, {
    conversationId: timer.conversationId,
    to: queueNamed(conversation.assignedQueue ?? conversation.category),
    fromOperatorId: timer.operatorId,
    now,
    unacceptedAssignedAt: timer.assignedAt,
  });
  if (moved.status !== 'moved') {
    // The accept committed between the read and the move (it won the race): the operator is at
    // work, not away. A crash right here leaves them away; their next `operator.status` ends it.
    if (away) await deps.operators.undoAway(timer.operatorId, now);
    return 'stale';
  }
  // Away by this timer, or by its first copy that crashed before telling them.
  const current = await deps.operators.get(timer.operatorId);
  if (current?.status === 'away') {
    const consoles = (await deps.connections.listByPrincipal(timer.operatorId)).filter(
      (c) => c.role === 'operator' || c.role === 'senior',
    );
    await postToAll(deps, consoles, operatorStateFrame(current));
  }
  const queue = queueNamed(moved.conversation.queue);
  deps.metrics.missedAssignment(queue);
  await tellWaitingCitizen(
    deps,
    { conversationId: moved.conversation.conversationId, entryId: moved.conversation.queueEntryId ?? '' },
    moved,
  );
  // Those behind it in line moved back a place.
  await announceQueues(deps, [queue]);
  return 'requeued';
}

export async function checkFirstReply(
  deps: Pick<AssignmentDeps, 'conversations' | 'metrics' | 'store'>,
  timer: FirstReplyTimer,
): Promise<'stale' | 'replied' | 'missed'> {
  const conversation = await deps.conversations.get(timer.conversationId);
  if (
    conversation?.state !== 'operator' ||
    conversation.operatorId !== timer.operatorId ||
    conversation.acceptedAt !== timer.acceptedAt
  ) {
    return 'stale';
  }
  const replied = conversation.lastOperatorReplyAt;
  if (replied !== undefined && replied >= timer.acceptedAt) return 'replied';
  // Counted once per acceptance: a second copy of the timer, or the reconciler after it, finds it marked.
  if (conversation.firstReplyCheckedFor === timer.acceptedAt) return 'stale';
  if (!(await deps.store.markFirstReplyChecked(timer.conversationId, timer.acceptedAt))) return 'stale';
  deps.metrics.missedFirstReply(queueNamed(conversation.assignedQueue ?? conversation.category));
  return 'missed';
}
