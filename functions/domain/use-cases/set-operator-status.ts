/**
 * Use case: an operator says whether they take conversations (`operator.status`).
 *
 * Primary course:
 *  1. Store the status, and the skills and `maxChats` if given (first time: every category, seniors
 *     also `senior`; OPERATOR_MAX_CHATS). A first-line operator's `senior` skill is dropped; no
 *     skill left → BAD_REQUEST. Saying anything clears a pending disconnect (the grace timer) and
 *     renews the presence lease (PRESENCE_LEASE_SECONDS); unless `offline`, a new lease watch starts
 *     (`watch-presence.ts`: a lease that lapses hands back what they hold after the grace period).
 *  2. `online`: first `conversation.assigned` again for every conversation they already hold
 *     (a console that reconnected gets back what it had: transcript, ticket, intake, notes,
 *     citizen; at most `maxChats`), then take the waiting conversations their free slots allow,
 *     longest wait first (`fillOperator`), and announce them (`conversation.assigned` arrives
 *     before the answer).
 *     `away`: keep what they hold, get nothing new. `offline`: what they hold goes back to the
 *     front of its queue for someone else (the citizen is told), as after a lost connection.
 *  3. Answer `operator.state` {status, skills, maxChats, activeChats} as stored after all that.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { OperatorStateFrame } from '#events/operator-frames.ts';
import { badRequest } from '../errors.ts';
import {
  defaultSkills,
  effectiveSkills,
  leaseUntil,
  type Operator,
  type OperatorQueueName,
  type OperatorStatus,
  queueNamed,
} from '../operator-roster.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { IdGenerator } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { type AssignmentDeps, assignAndAnnounce } from './announce-assignments.ts';
import { fillOperator } from './assign-conversations.ts';
import { assignedFrame } from './assigned-frame.ts';
import { announceQueues } from './places-in-line.ts';
import { postToAll } from './post-frames.ts';
import { requeueHeld } from './requeue-held.ts';
import { scheduleLeaseWatch } from './watch-presence.ts';

export interface SetOperatorStatusDeps extends AssignmentDeps {
  timers: TimerQueue;
  ledger: FollowUpLedger;
  ids: IdGenerator;
}

export interface OperatorStatusInput {
  caller: Caller;
  status: OperatorStatus;
  skills?: OperatorQueueName[];
  maxChats?: number;
}

export async function setOperatorStatus(
  deps: SetOperatorStatusDeps,
  input: OperatorStatusInput,
): Promise<Omit<OperatorStateFrame, 'requestId'>> {
  const { caller } = input;
  const role: Operator['role'] = caller.role === 'senior' ? 'senior' : 'operator';
  const skills = input.skills ? effectiveSkills(role, input.skills) : undefined;
  if (skills?.length === 0) {
    throw badRequest([
      { field: 'skills', problem: 'the senior queue is served by seniors only; name a category' },
    ]);
  }
  const now = deps.clock.now();
  const lease = leaseUntil(now, deps.settings.presenceLeaseSeconds);
  const leaseWatch = deps.ids.newId();
  let operator: Operator = await deps.operators.saveStatus({
    operatorId: caller.principalId,
    displayName: caller.displayName ?? caller.principalId,
    role,
    status: input.status,
    ...(skills ? { skills } : {}),
    ...(input.maxChats ? { maxChats: input.maxChats } : {}),
    defaultSkills: defaultSkills(role),
    defaultMaxChats: deps.settings.operatorMaxChats,
    now,
    leaseUntil: lease,
    leaseWatch,
  });
  if (operator.status !== 'offline') {
    await scheduleLeaseWatch(deps, {
      operatorId: operator.operatorId,
      watchId: leaseWatch,
      leaseUntil: lease,
    });
  }
  if (await releaseLeftovers(deps, operator)) {
    operator = (await deps.operators.get(operator.operatorId)) ?? operator;
  }
  if (operator.status === 'online') {
    await reannounceHeld(deps, operator.operatorId);
    await assignAndAnnounce(deps, (d) => fillOperator(d, operator.operatorId), { touchedQueues: [] });
    operator = (await deps.operators.get(operator.operatorId)) ?? operator;
  } else if (operator.status === 'offline' && operator.activeChats > 0) {
    const queues = await requeueHeld(deps, operator.operatorId);
    if (queues.length > 0) await announceQueues(deps, new Set(queues));
    operator = (await deps.operators.get(operator.operatorId)) ?? operator;
  }
  return operatorStateFrame(operator);
}

/**
 * Slots held by conversations that are no longer this operator's (closed by a ticket change whose
 * release failed after its commit, or moved by hand): freed here, so a lost release never costs an
 * operator a slot for longer than their next `operator.status`. At most `maxChats` reads.
 */
async function releaseLeftovers(deps: SetOperatorStatusDeps, operator: Operator): Promise<boolean> {
  let released = false;
  for (const conversationId of operator.conversations) {
    const conversation = await deps.conversations.get(conversationId);
    if (conversation?.state === 'operator' && conversation.operatorId === operator.operatorId) continue;
    released = (await deps.store.release(conversationId, operator.operatorId)) || released;
  }
  return released;
}

/**
 * `conversation.assigned` again, to every console of the operator, for each conversation they hold
 * (read consistently: state `operator` with their id). Nothing else is told: the citizen and the
 * ticket saw the assignment when it happened.
 */
async function reannounceHeld(deps: SetOperatorStatusDeps, operatorId: string): Promise<void> {
  const held = await deps.store.heldBy(operatorId);
  if (held.length === 0) return;
  const consoles = (await deps.connections.listByPrincipal(operatorId)).filter(
    (c) => c.role === 'operator' || c.role === 'senior',
  );
  if (consoles.length === 0) return;
  const lang = consoles[0]?.lang ?? 'ru';
  await Promise.all(
    held.map(async (conversation) => {
      const queue = queueNamed(conversation.assignedQueue ?? conversation.category);
      const frame = await assignedFrame(deps, conversation, queue, lang);
      // An offer still open says until when, as it did the first time; an accepted one has no deadline.
      if (conversation.acceptedAt === undefined && conversation.acceptDueAt !== undefined)
        frame.conversation.acceptBy = conversation.acceptDueAt;
      await postToAll(deps, consoles, frame);
    }),
  );
}

export function operatorStateFrame(operator: Operator): Omit<OperatorStateFrame, 'requestId'> {
  return {
    type: 'operator.state',
    status: operator.status,
    // As served: a demoted senior's stored `senior` skill is not theirs any more.
    skills: effectiveSkills(operator.role, operator.skills),
    maxChats: operator.maxChats,
    activeChats: operator.activeChats,
  };
}
