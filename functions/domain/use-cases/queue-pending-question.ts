/**
 * Use case: a session just identified (`auth.verifyCode`) gets the answer to the question it was
 * asked to identify for («где мой загранпаспорт»), without asking again.
 *
 * Primary course:
 *  1. Read the session: verified, and holding a live pending question (the bot worker remembered it
 *     when it invited the guest to identify; functions/domain/use-cases/answer-citizen-message.ts).
 *  2. Queue that message for the bot again, marked `afterIdentification`: the worker answers it for
 *     the citizen, once, and forgets the question in the same transaction.
 * Nothing pending (none asked, or older than `PENDING_QUESTION_TTL_SECONDS`): nothing is queued. A job
 * queued twice (a retried verification) is answered once: its reply key is its own.
 */
import type { BotJobQueue } from '../ports/bot.ts';
import type { SessionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import { livePendingQuestion } from '../sessions.ts';

export interface QueuePendingQuestionDeps {
  sessions: Pick<SessionRepository, 'get'>;
  botJobs: BotJobQueue;
  clock: Clock;
}

export async function queuePendingQuestion(
  deps: QueuePendingQuestionDeps,
  sessionId: string,
): Promise<'queued' | 'none'> {
  const session = await deps.sessions.get(sessionId);
  if (session?.verified !== true) return 'none';
  const pending = livePendingQuestion(session, deps.clock.now());
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
