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
 *  2. Where the page starts: after the `cursor`'s seq when one is given (sealed for this
 *     conversation and this caller, else BAD_REQUEST on `cursor`), else after `afterSeq`.
 *  3. Read at most `limit` messages after it, oldest first, and whether more follow.
 *  4. A staff caller's read is recorded in the access journal (functions/domain/access-journal.ts).
 *  5. Answer `history` with the messages in the PROTOCOL `message` shape, as many as fit the
 *     frame's budget (a page of long messages is cut short), and `nextCursor` when more follow.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { ChatMessage } from '#events/chat-message.ts';
import type { HistoryFrame } from '#events/server-frames.ts';
import * as z from '#events/zod.ts';
import { journalStaffRead, type StaffReadJournal } from '../access-journal.ts';
import { belongsToSession, type Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import { toChatMessage } from '../messages.ts';
import { cursorScope, jsonBytes, openCursor, PAGE_BUDGET_BYTES } from '../paging.ts';
import type { ConversationRepository, MessageRepository } from '../ports/conversations.ts';
import type { PagingCursors } from '../ports/paging.ts';

export interface ReadHistoryDeps extends StaffReadJournal {
  conversations: ConversationRepository;
  messages: MessageRepository;
  cursors: PagingCursors;
}

export interface ReadHistoryInput {
  caller: Caller;
  conversationId: string;
  afterSeq: number;
  limit: number;
  cursor?: string;
}

const positionSchema = z.object({ afterSeq: z.int().check(z.gte(0)) });

export async function readHistory(deps: ReadHistoryDeps, input: ReadHistoryInput): Promise<HistoryFrame> {
  const conversation = await deps.conversations.get(input.conversationId);
  if (!conversation) throw new ChatError('NOT_FOUND');
  if (!mayReadHistory(conversation, input.caller)) throw new ChatError('FORBIDDEN');
  await journalStaffRead(deps, input.caller, 'history.get', { conversationId: conversation.conversationId });

  const scope = cursorScope(`history.get:${conversation.conversationId}`, input.caller);
  const { afterSeq } =
    input.cursor === undefined
      ? { afterSeq: input.afterSeq }
      : await openCursor(deps.cursors, scope, input.cursor, positionSchema);
  const page = await deps.messages.listAfter(conversation.conversationId, afterSeq, input.limit);
  const messages: ChatMessage[] = [];
  for (const message of page.messages.map(toChatMessage)) {
    const answer = {
      type: 'history',
      conversationId: conversation.conversationId,
      messages: [...messages, message],
    };
    if (messages.length > 0 && jsonBytes(answer) > PAGE_BUDGET_BYTES) break;
    messages.push(message);
  }
  const hasMore = page.hasMore || messages.length < page.messages.length;
  const last = messages.at(-1);
  const nextCursor = hasMore && last ? await deps.cursors.seal(scope, { afterSeq: last.seq }) : undefined;
  return {
    type: 'history',
    conversationId: conversation.conversationId,
    messages,
    hasMore,
    ...(nextCursor === undefined ? {} : { nextCursor }),
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
