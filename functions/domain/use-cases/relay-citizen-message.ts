/**
 * Use case: a citizen's message reached a conversation that is queued or with an operator
 * (`outbox = operator` on the stored message; the desk relay reads it from the MessagesTable stream).
 * The bot never answers it (it is not queued for the bot); the assigned operator must see it.
 *
 * Primary course:
 *  1. Read the conversation (consistently). If it is not with an operator now, stop: a queued
 *     conversation's messages reach its future operator in the transcript of `conversation.assigned`,
 *     which is read after the assignment is written, so a message stored before that is in it and a
 *     message stored after it finds the operator here.
 *  2. Push the `message` to every connection of the assigned operator (a gone one is removed).
 *
 * At least once: a stream record that fails is retried, and a push may repeat; the operator's
 * console drops a `seq` it already shows.
 */
import type { MessageFrame } from '#events/server-frames.ts';
import { type StoredMessage, toChatMessage } from '../messages.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import { type Delivery, postToAll } from './post-frames.ts';

export interface RelayCitizenMessageDeps {
  conversations: ConversationRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
}

export type RelayOutcome =
  | { status: 'relayed'; operatorId: string; delivery: Delivery }
  | { status: 'skipped'; reason: 'conversation-gone' | 'not-with-operator' };

export async function relayCitizenMessage(
  deps: RelayCitizenMessageDeps,
  message: StoredMessage,
): Promise<RelayOutcome> {
  const conversation = await deps.conversations.get(message.conversationId);
  if (!conversation) return { status: 'skipped', reason: 'conversation-gone' };
  const { operatorId } = conversation;
  if (conversation.state !== 'operator' || operatorId === undefined) {
    return { status: 'skipped', reason: 'not-with-operator' };
  }
  const frame: MessageFrame = { type: 'message', ...toChatMessage(message) };
  const [delivery] = await postToAll(deps, await deps.connections.listByPrincipal(operatorId), frame);
  return { status: 'relayed', operatorId, delivery };
}
