/**
 * Use case: the client asks for the messages of a conversation after a given `seq` (a reconnecting
 * client catches up this way).
 *
 * Primary course:
 *  1. Read the conversation; absent or expired → NOT_FOUND; another session's → FORBIDDEN.
 *  2. Read at most `limit` messages with `seq > afterSeq`, oldest first, and whether more follow.
 *  3. Answer `history` with the messages in the PROTOCOL `message` shape.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { HistoryFrame } from '#events/server-frames.ts';
import { belongsToSession } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import { toChatMessage } from '../messages.ts';
import type { ConversationRepository, MessageRepository } from '../ports.ts';

export interface ReadHistoryDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
}

export interface ReadHistoryInput {
  caller: Caller;
  conversationId: string;
  afterSeq: number;
  limit: number;
}

export async function readHistory(deps: ReadHistoryDeps, input: ReadHistoryInput): Promise<HistoryFrame> {
  const conversation = await deps.conversations.get(input.conversationId);
  if (!conversation) throw new ChatError('NOT_FOUND');
  if (!belongsToSession(conversation, input.caller.sessionId)) throw new ChatError('FORBIDDEN');

  const page = await deps.messages.listAfter(conversation.conversationId, input.afterSeq, input.limit);
  return {
    type: 'history',
    conversationId: conversation.conversationId,
    messages: page.messages.map(toChatMessage),
    hasMore: page.hasMore,
  };
}
