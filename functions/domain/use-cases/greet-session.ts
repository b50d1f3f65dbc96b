/**
 * Use case: the client says `hello` and learns where it stands.
 *
 * Primary course:
 *  1. Read the caller's session; read its open conversation, if any.
 *  2. Answer `welcome` with the session id, whether it is verified, the connection's language and
 *     the open conversation (null when there is none, or it is closed or expired).
 *
 * `resumeToken` is null: signed resume tokens are issued on identification (a later issue).
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { WelcomeFrame } from '#events/server-frames.ts';
import { isOpen } from '../conversations.ts';
import type { ConversationRepository, SessionRepository } from '../ports.ts';

export interface GreetSessionDeps {
  sessions: SessionRepository;
  conversations: ConversationRepository;
}

export async function greetSession(deps: GreetSessionDeps, caller: Caller): Promise<WelcomeFrame> {
  const session = await deps.sessions.get(caller.sessionId);
  const openId = session?.openConversationId;
  const conversation = openId === undefined ? undefined : await deps.conversations.get(openId);
  return {
    type: 'welcome',
    sessionId: caller.sessionId,
    verified: session?.verified ?? false,
    lang: caller.lang,
    conversationId: conversation && isOpen(conversation) ? conversation.conversationId : null,
    resumeToken: null,
  };
}
