/**
 * Use case: the bot outbox sees a citizen message to the bot committed (a MessagesTable stream
 * record; docs/architecture.md, "The outbox").
 *
 * Primary course:
 *  1. Read whether the bot has answered it (`bot#{messageId}`, consistently): `message.send` answers
 *     the message it stored in the same invocation, so by the time the stream record comes (the
 *     outbox's batching window) it almost always has, and nothing is queued.
 *  2. If not (the sender died after its commit, or its answer and its fallback send both failed),
 *     queue the bot job — the same group and deduplication id as any other send of it.
 *
 * A record read while the sender's answer is still being committed queues the job anyway: the
 * worker then finds the reply (`bot#` key) and delivers it again, or stores it once if it gets there
 * first. Nothing is answered twice; the cost is a queue hop.
 */
import { type BotJobCitizen, type BotJobMessage, botJobFor } from '../bot-jobs.ts';
import type { BotJobQueue } from '../ports/bot.ts';
import type { ConversationLog } from '../ports/conversations.ts';

export interface QueueUnansweredMessageDeps {
  log: Pick<ConversationLog, 'findBotReply'>;
  botJobs: BotJobQueue;
}

/** Whether the job was queued. */
export async function queueUnansweredMessage(
  deps: QueueUnansweredMessageDeps,
  message: BotJobMessage & BotJobCitizen,
): Promise<boolean> {
  if (await deps.log.findBotReply(message.messageId)) return false;
  await deps.botJobs.enqueue(botJobFor(message, message));
  return true;
}
