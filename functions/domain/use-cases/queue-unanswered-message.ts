/**
 * Use case: the bot outbox sees citizen messages to the bot stored alone, with the outbox mark
 * (MessagesTable stream records; docs/architecture.md, "The outbox"). A message `message.send`
 * stores together with its answer has no mark and never comes here.
 *
 * Primary course, for a batch of records:
 *  1. Read whether the bot has answered them (`bot#{messageId}`, consistently, one read for the
 *     batch): `message.send` queued the job of a message it stored alone, so by the time the records
 *     come (the outbox's batching window) the worker has often answered it, and nothing is queued.
 *  2. Wait for the turns still under way (`awaitTurnsOver`): a message the previous version stored
 *     with `turnBy` was `message.send`'s to answer until that deadline of its invocation. Its key is
 *     read again, with a growing pause, until the reply is stored or the deadline has passed. The
 *     outbox never queues a job for a turn under way, so the worker never races one.
 *  3. For each record, in stream order: if the message is still unanswered (the sender died after
 *     its commit, or its answer and its fallback send both failed), queue the bot job — the same group
 *     and deduplication id as any other send of it.
 *
 * A message without `turnBy` (every message the current `message.send` marks) is queued as soon as it
 * is read unanswered: the worker stores one reply whoever queues it (`bot#{messageId}`), and FIFO
 * deduplication keeps one job.
 */
import { type BotJobCitizen, type BotJobMessage, botJobFor } from '../bot-jobs.ts';
import type { BotJobQueue } from '../ports/bot.ts';
import type { BotReplyReads, ConversationLog } from '../ports/conversations.ts';
import type { Clock, Sleeper } from '../ports/system.ts';

export interface QueueUnansweredMessageDeps {
  log: Pick<ConversationLog, 'findBotReply'>;
  botJobs: BotJobQueue;
}

/** Whether the job was queued (step 3). */
export async function queueUnansweredMessage(
  deps: QueueUnansweredMessageDeps,
  message: BotJobMessage & BotJobCitizen,
): Promise<boolean> {
  if (await deps.log.findBotReply(message.messageId)) return false;
  await deps.botJobs.enqueue(botJobFor(message, message));
  return true;
}

export interface AwaitTurnsOverDeps {
  replies: BotReplyReads;
  clock: Clock;
  sleeper: Sleeper;
}

/** The first pause before a turn under way is read again; each later one doubles, up to the last. */
export const TURN_POLL_FIRST_MS = 250;
export const TURN_POLL_MAX_MS = 2000;

/**
 * Steps 1 and 2: returns once every message is answered or was read unanswered after its turn's
 * deadline (a read that started after the deadline is final: nothing of that invocation runs then).
 */
export async function awaitTurnsOver(
  deps: AwaitTurnsOverDeps,
  messages: readonly { messageId: string; turnBy?: number | undefined }[],
): Promise<void> {
  const turnBy = new Map(messages.map((m) => [m.messageId, m.turnBy ?? 0]));
  let readAt = deps.clock.now().getTime();
  let unanswered = await deps.replies.readReplies([...turnBy.keys()]);
  for (let pause = TURN_POLL_FIRST_MS; ; pause = Math.min(pause * 2, TURN_POLL_MAX_MS)) {
    const underWay = [...unanswered].filter((id) => (turnBy.get(id) ?? 0) >= readAt);
    if (underWay.length === 0) return;
    const lastDeadline = Math.max(...underWay.map((id) => turnBy.get(id) ?? 0));
    const now = deps.clock.now().getTime();
    await deps.sleeper.sleep(Math.max(0, Math.min(pause, lastDeadline + 1 - now)));
    readAt = deps.clock.now().getTime();
    unanswered = await deps.replies.readReplies(underWay);
  }
}
