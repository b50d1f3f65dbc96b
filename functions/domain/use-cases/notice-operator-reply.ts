/**
 * Use case: an operator replied in a conversation (the desk relay reads the stored reply from the
 * MessagesTable stream), and the citizen may not be on the WebSocket to see it (docs/requirements.md#offline-notifications).
 *
 * Primary course:
 *  1. Read the conversation; gone (expired) → nobody to tell.
 *  2. Read its session for whom to tell and in which language: the session's citizen once verified
 *     (else the conversation's), in the session language (Russian when the session is gone).
 *  3. Tell an offline citizen that a reply waits (`notifyOfflineCitizen`): nothing when they are
 *     connected, else push, else SMS.
 */
import type { ConversationRepository } from '../ports/conversations.ts';
import type { SessionRepository } from '../ports/sessions.ts';
import {
  type NotifyOfflineCitizenDeps,
  notifyOfflineCitizen,
  type OfflineOutcome,
} from './notify-offline-citizen.ts';

export interface NoticeOperatorReplyDeps extends NotifyOfflineCitizenDeps {
  conversations: Pick<ConversationRepository, 'get'>;
  sessions: Pick<SessionRepository, 'get'>;
}

/** How the citizen was told, or undefined when the conversation is gone. */
export async function noticeOperatorReply(
  deps: NoticeOperatorReplyDeps,
  reply: { conversationId: string; seq: number },
): Promise<OfflineOutcome | undefined> {
  const conversation = await deps.conversations.get(reply.conversationId);
  if (!conversation) return undefined;
  const session = await deps.sessions.get(conversation.sessionId);
  const citizenId = session?.citizenId ?? conversation.citizenId;
  return notifyOfflineCitizen(deps, {
    sessionId: conversation.sessionId,
    ...(citizenId === undefined ? {} : { citizenId }),
    lang: session?.lang ?? 'ru',
    event: { kind: 'operator_reply', conversationId: conversation.conversationId, seq: reply.seq },
  });
}
