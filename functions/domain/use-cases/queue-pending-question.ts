/**
 * Use case: a session just identified (`auth.verifyCode`) gets the answer to the question it was
 * asked to identify for («где мой загранпаспорт»), without asking again.
 *
 * Primary course:
 *  1. Read the session: verified, with an open conversation.
 *  2. Read that conversation: holding a live pending question (the bot remembered it with the turn
 *     that invited the guest to identify; functions/domain/use-cases/answer-citizen-message.ts).
 *     A question remembered on the session by an earlier version is taken while it is live.
 *  3. Queue that message for the bot again, marked `afterIdentification`: the bot answers it for
 *     the citizen, once, and forgets the question in the same transaction.
 * Nothing pending (none asked, or older than `PENDING_QUESTION_TTL_SECONDS`): nothing is queued. A job
 * queued twice (a retried verification) is answered once: its reply key is its own.
 */
import { livePendingQuestion } from '../conversations.ts';
import type { BotJobQueue } from '../ports/bot.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { SessionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';

export interface QueuePendingQuestionDeps {
  sessions: Pick<SessionRepository, 'get'>;
  conversations: Pick<ConversationRepository, 'get'>;
  botJobs: BotJobQueue;
  clock: Clock;
}

export async function queuePendingQuestion(
  deps: QueuePendingQuestionDeps,
  sessionId: string,
): Promise<'queued' | 'none'> {
  const session = await deps.sessions.get(sessionId);
  if (session?.verified !== true) return 'none';
  const now = deps.clock.now();
  const open = session.openConversationId
    ? await deps.conversations.get(session.openConversationId)
    : undefined;
  const pending = (open && livePendingQuestion(open, now)) ?? livePendingQuestion(session, now);
  if (!pending) return 'none';
  await deps.botJobs.enqueue({
    conversationId: pending.conversationId,
    messageId: pending.messageId,
    seq: pending.seq,
    sessionId,
    lang: pending.lang,
    afterIdentification: true,
  });
  return 'queued';
}
