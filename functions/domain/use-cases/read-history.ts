/**
 * Use case: the client asks for the messages of a conversation after a given `seq` (a reconnecting
 * client catches up this way).
 *
 * Primary course:
 *  1. Read the conversation; absent or expired → NOT_FOUND. A citizen reads their own: of their
 *     session, or (verified) with their citizenId, e.g. a ticket's conversation read on another
 *     device; an operator or senior the conversations assigned to them (a reconnecting
 *     console catches up this way). Anything else → FORBIDDEN. Internal notes are never part of
 *     the history (they come with `conversation.assigned`).
 *  2. Read at most `limit` messages with `seq > afterSeq`, oldest first, and whether more follow.
 *  3. Answer `history` with the messages in the PROTOCOL `message` shape.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { HistoryFrame } from '#events/server-frames.ts';
import { belongsToSession, type Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import { toChatMessage } from '../messages.ts';
import type { ConversationRepository, MessageRepository } from '../ports/conversations.ts';

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
  if (!mayReadHistory(conversation, input.caller)) throw new ChatError('FORBIDDEN');

  const page = await deps.messages.listAfter(conversation.conversationId, input.afterSeq, input.limit);
  return {
    type: 'history',
    conversationId: conversation.conversationId,
    messages: page.messages.map(toChatMessage),
    hasMore: page.hasMore,
  };
}

/**
 * Whose history it is: the citizen's (their session's, or theirs by citizenId once verified), or
 * the operator's (or senior's) it is assigned to.
 */
export function mayReadHistory(
  conversation: Conversation,
  caller: Pick<Caller, 'role' | 'sessionId' | 'principalId' | 'citizenId'>,
): boolean {
  if (caller.role === 'operator' || caller.role === 'senior') {
    return conversation.operatorId !== undefined && conversation.operatorId === caller.principalId;
  }
  const byCitizen = caller.citizenId !== undefined && conversation.citizenId === caller.citizenId;
  return byCitizen || belongsToSession(conversation, caller.sessionId);
}
