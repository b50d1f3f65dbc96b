/**
 * Use case: the operator takes the conversation `conversation.assigned` offered them
 * (`conversation.accept`, or implicitly their first `operator.reply`).
 *
 * Primary course:
 *  1. Stamp `acceptedAt`, on the condition that it is still the caller's and not accepted: the
 *     accept timer's move back to the queue has the opposite condition, so exactly one of them wins.
 *     (No read before it: the condition decides, and the usual accept costs one write.)
 *  2. Not stamped → read the conversation (consistently) to say why: unknown → NOT_FOUND, closed →
 *     CONFLICT, not with the caller (another operator's, or already given back because the accept
 *     came too late) → FORBIDDEN; already accepted → the same answer again (idempotent), nothing is
 *     told twice.
 *  3. Tell the citizen `conversation.updated` {state `operator`, operator {displayName}}, then start
 *     the first-reply timer (FIRST_REPLY_SECONDS).
 *  4. Answer when it was accepted.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import { displayNameOf, isAssignedTo, requireAssignedTo } from '../ownership.ts';
import type { AssignmentStore } from '../ports/assignment.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { tellCitizenOperator } from './announce-assignments.ts';

export interface AcceptAssignmentDeps {
  conversations: ConversationRepository;
  store: Pick<AssignmentStore, 'accept'>;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  timers: TimerQueue;
  clock: Clock;
  settings: { firstReplySeconds: number };
}

export interface AcceptInput {
  caller: Caller;
  conversationId: string;
}

export interface Acceptance {
  conversationId: string;
  acceptedAt: string;
  /** False when it had been accepted before: nothing was stored or told. */
  accepted: boolean;
}

export async function acceptAssignment(deps: AcceptAssignmentDeps, input: AcceptInput): Promise<Acceptance> {
  const { caller, conversationId } = input;
  const now = deps.clock.now();
  const accepted = await deps.store.accept(conversationId, caller.principalId, now);
  if (!accepted) {
    // Accepted before (a repeat), or not the caller's to accept: the conversation says which.
    const read = requireAssignedTo(await deps.conversations.get(conversationId), caller);
    // Still theirs and unaccepted after a refused accept: it changed in between (given back and
    // taken again by them); the console may try again.
    if (read.acceptedAt === undefined) throw new ChatError('CONFLICT');
    return { conversationId, acceptedAt: read.acceptedAt, accepted: false };
  }
  // The citizen first: a failed timer send answers INTERNAL, and the retry finds it accepted and told.
  await tellCitizenOperator(deps, accepted, accepted.operatorName ?? displayNameOf(caller));
  await startFirstReplyTimer(deps, accepted, caller.principalId);
  return { conversationId, acceptedAt: now.toISOString(), accepted: true };
}

/**
 * A reply before an explicit accept is one (consoles that predate `conversation.accept` keep
 * working): accepts a conversation the caller holds unaccepted, and does nothing otherwise — the
 * reply itself answers whatever is wrong with it.
 */
export async function acceptOnReply(deps: AcceptAssignmentDeps, input: AcceptInput): Promise<void> {
  const conversation = await deps.conversations.get(input.conversationId);
  if (!conversation || !isAssignedTo(conversation, input.caller.principalId)) return;
  if (conversation.acceptedAt !== undefined) return;
  await acceptAssignment(deps, input);
}

async function startFirstReplyTimer(
  deps: AcceptAssignmentDeps,
  conversation: Conversation,
  operatorId: string,
): Promise<void> {
  const acceptedAt = conversation.acceptedAt;
  if (acceptedAt === undefined) return;
  const seconds = deps.settings.firstReplySeconds;
  await deps.timers.schedule(
    {
      kind: 'assignment.firstReply',
      conversationId: conversation.conversationId,
      operatorId,
      acceptedAt,
      dueAt: new Date(Date.parse(acceptedAt) + seconds * 1000).toISOString(),
    },
    seconds,
  );
}
