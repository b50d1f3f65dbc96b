/**
 * Use case: the assigned operator hands the conversation on (`operator.transfer`) to the senior
 * queue or another category's queue, with a reason for whoever takes it next.
 *
 * Primary course:
 *  1. Read the conversation: unknown → NOT_FOUND, closed → CONFLICT, not with the caller → FORBIDDEN.
 *  2. Move it (assignment's one transaction): the caller's slot is released and the conversation is
 *     queued in the target queue as a new entry, with the queue's timers and a timer-queue signal. A
 *     conversation that left the caller meanwhile is not movable: read again and answer as step 1.
 *  3. Store the reason as an internal note (kind `transfer`): the next operator reads it with the
 *     transcript; the citizen never sees it.
 *  4. Push `conversation.updated` (queued, with the ticket and, when assignment knows them, the queue
 *     position and wait) to the citizen's connections.
 *  5. Answer `conversation.transferred`.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { ConversationTransferredFrame, InternalNote, TransferTarget } from '#events/desk-frames.ts';
import type { ConversationUpdatedFrame } from '#events/server-frames.ts';
import type { Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import { displayNameOf, requireAssignedTo } from '../ownership.ts';
import type { ConversationRepository, NoteRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { expiresAfterDays } from '../retention.ts';
import { type Delivery, postToAll } from './post-frames.ts';

/** Assignment's side of a transfer (the assignment's store, queues and timers behind an adapter). */
export interface ConversationMover {
  moveToQueue(move: {
    conversationId: string;
    fromOperatorId: string;
    to: TransferTarget;
    now: Date;
  }): Promise<
    | { status: 'moved'; conversation: Conversation; queuePosition?: number; etaSeconds?: number }
    | { status: 'not_movable' }
  >;
}

export interface TransferConversationDeps {
  conversations: ConversationRepository;
  mover: ConversationMover;
  notes: NoteRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  clock: Clock;
  ids: IdGenerator;
  retentionDays: number;
}

export interface TransferConversationInput {
  caller: Caller;
  conversationId: string;
  to: TransferTarget;
  reason: string;
}

export async function transferConversation(
  deps: TransferConversationDeps,
  input: TransferConversationInput,
): Promise<{ frame: ConversationTransferredFrame; delivery: Delivery }> {
  const { caller } = input;
  const conversation = requireAssignedTo(await deps.conversations.get(input.conversationId), caller);
  const now = deps.clock.now();
  const moved = await deps.mover.moveToQueue({
    conversationId: conversation.conversationId,
    fromOperatorId: caller.principalId,
    to: input.to,
    now,
  });
  if (moved.status === 'not_movable') {
    // It left the caller between the read and the move: say why, as a fresh read would.
    requireAssignedTo(await deps.conversations.get(input.conversationId), caller);
    throw new ChatError('CONFLICT');
  }

  const note: InternalNote = {
    conversationId: conversation.conversationId,
    noteId: deps.ids.newId(),
    kind: 'transfer',
    text: input.reason,
    ts: now.toISOString(),
    operator: { operatorId: caller.principalId, displayName: displayNameOf(caller) },
    to: input.to,
  };
  await deps.notes.add({ ...note, expiresAt: expiresAfterDays(now, deps.retentionDays) });

  const after = moved.conversation;
  const update: ConversationUpdatedFrame = {
    type: 'conversation.updated',
    conversationId: after.conversationId,
    state: 'queued',
    ...(moved.queuePosition === undefined ? {} : { queuePosition: moved.queuePosition }),
    ...(moved.etaSeconds === undefined ? {} : { etaSeconds: moved.etaSeconds }),
    ...(after.ticketId !== undefined && after.ticketNumber !== undefined
      ? { ticket: { ticketId: after.ticketId, number: after.ticketNumber } }
      : {}),
  };
  const connections = await deps.connections.listByPrincipal(after.sessionId);
  const [delivery] = await postToAll(deps, connections, update);
  return {
    frame: {
      type: 'conversation.transferred',
      conversationId: after.conversationId,
      to: input.to,
      ts: note.ts,
    },
    delivery,
  };
}
