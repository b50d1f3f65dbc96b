/**
 * Use case: a citizen sends a message (`message.send`).
 *
 * Primary course:
 *  1. Normalise the text: trimmed, 1–4000 characters (else BAD_REQUEST / PAYLOAD_TOO_LARGE).
 *     `attachmentIds`, if any, must name ready attachments this session uploaded to the target
 *     conversation (checked once the target is known, step 2; else BAD_REQUEST, nothing stored).
 *  2. Find the target: the session's open conversation, or a new conversation with the bot that
 *     becomes the session's open one. The session is read (consistently) together with the
 *     conversation this process last saw open for it, in one round trip; only if the session names
 *     another one is that one read next.
 *  3. Commit, in one transaction: the conversation's `lastSeq + 1`, the message with that `seq`,
 *     the idempotency key `msg#{sender}#{clientMessageId}` holding the ack, and (`frameCount`) the
 *     frame's count on the per-client limits' counter — over a limit, RATE_LIMITED and nothing is
 *     written; any frame that stores no message is counted by the route on its own. A message to a
 *     conversation with the bot carries the outbox mark (`outbox: 'bot'`, session, language); one
 *     to a conversation queued or with an operator `outbox: 'operator'`: its stream record makes
 *     the desk relay push it to the assigned operator (functions/handlers/desk-relay.ts).
 *  4. If the conversation is with the bot, queue the bot job (group = conversation,
 *     deduplication = message id): the fast path.
 *  5. Answer the ack. It is never answered before step 4 has succeeded, so an acknowledged
 *     message always reaches the bot.
 *
 * Crash between step 3 and step 4 (the function dies, SQS fails): the stored message's stream
 * record makes the bot outbox queue the same job (same group and deduplication id), so the message is
 * answered even if the client never resends. When both paths fire, FIFO deduplication keeps one
 * job, and the worker's `bot#{messageId}` answers it once beyond the 5-minute window.
 *
 * Repeated clientMessageId (a resend, or a copy racing the first): step 3 finds the key, nothing is
 * written, and the stored ack is answered. If the bot has not answered that message yet, its job is
 * queued again: the first attempt may have crashed between step 3 and step 4, and FIFO
 * deduplication drops the copy when it did not.
 *
 * Lost race (another writer moved `lastSeq` or opened a conversation first): nothing was written;
 * back off with jitter and start again from step 2, within a bounded number of attempts.
 */
import type { Caller } from '#events/authorizer-context.ts';
import { requireReadyAttachments } from '../attachments.ts';
import { botJobFor } from '../bot-jobs.ts';
import type { DeferredFrameCount } from '../client-limits.ts';
import {
  type Conversation,
  type ConversationTarget,
  isOpen,
  isWithBot,
  newConversationTarget,
  nextSeq,
} from '../conversations.ts';
import { type MessageAck, sentMessageKey } from '../idempotency.ts';
import { normalizeMessageText, type StoredMessage } from '../messages.ts';
import type { OpenConversationHints } from '../open-conversation-hints.ts';
import type { AttachmentRepository } from '../ports/attachments.ts';
import type { BotJobQueue } from '../ports/bot.ts';
import type { ConversationLog, ConversationRepository } from '../ports/conversations.ts';
import type { SessionRepository, SessionTargetReader } from '../ports/sessions.ts';
import type { Clock, IdGenerator, Sleeper } from '../ports/system.ts';
import { expiresAfterDays, expiresAfterSeconds, IDEMPOTENCY_TTL_SECONDS } from '../retention.ts';
import { LOST_RACE, type RetryPolicy, SEQ_CONFLICT_RETRY, withSeqRetry } from '../retry.ts';
import { recreateSession } from './recreate-session.ts';

export interface SendCitizenMessageDeps {
  sessions: SessionRepository;
  targets: SessionTargetReader;
  /** Module-scoped in the handler, so it outlives one invocation. */
  hints: OpenConversationHints;
  conversations: ConversationRepository;
  log: ConversationLog;
  botJobs: BotJobQueue;
  /** Where `attachmentIds` are checked (read only when a message names some). */
  attachments: Pick<AttachmentRepository, 'getMany'>;
  clock: Clock;
  ids: IdGenerator;
  sleeper: Sleeper;
  retentionDays: number;
  retry?: RetryPolicy;
}

export interface SendCitizenMessageInput {
  caller: Caller;
  clientMessageId: string;
  text: string;
  attachmentIds?: string[];
  /** The frame's count on the per-client limits, to write with the message (step 3). */
  frameCount?: FrameCountInWrite;
}

/** What the use case needs of a `DeferredFrameCount` (functions/domain/client-limits.ts). */
export type FrameCountInWrite = Pick<
  DeferredFrameCount,
  'counting' | 'now' | 'countedInWrite' | 'refusedInWrite'
>;

export async function sendCitizenMessage(
  deps: SendCitizenMessageDeps,
  input: SendCitizenMessageInput,
): Promise<MessageAck> {
  const text = normalizeMessageText(input.text);
  const { caller } = input;
  const idempotencyKey = sentMessageKey(caller.principalId, input.clientMessageId);
  const messageId = deps.ids.newId();
  const policy = deps.retry ?? SEQ_CONFLICT_RETRY;

  return withSeqRetry(deps.sleeper, policy, async () => {
    const target = await findTarget(deps, caller);
    await requireReadyAttachments(
      deps.attachments,
      { conversationId: target.conversation.conversationId, uploaderId: caller.principalId },
      input.attachmentIds,
    );
    const now = deps.clock.now();
    const ts = now.toISOString();
    const expiresAt = expiresAfterDays(now, deps.retentionDays);
    const seq = nextSeq(target.conversation);
    const conversation: Conversation = { ...target.conversation, updatedAt: ts, expiresAt };
    const message: StoredMessage = {
      conversationId: conversation.conversationId,
      seq,
      messageId,
      from: 'citizen',
      senderId: caller.principalId,
      text,
      ts,
      expiresAt,
      clientMessageId: input.clientMessageId,
      sessionId: caller.sessionId,
      lang: caller.lang,
      // Queued or with an operator: the desk relay pushes it to the operator (once one is assigned).
      outbox: isWithBot(conversation) ? ('bot' as const) : ('operator' as const),
      ...(input.attachmentIds?.length ? { attachments: input.attachmentIds } : {}),
    };
    const ack: MessageAck = {
      clientMessageId: input.clientMessageId,
      messageId,
      conversationId: conversation.conversationId,
      seq,
      ts,
    };

    const { frameCount } = input;
    const outcome = await deps.log.appendCitizenMessage({
      conversation,
      isNewConversation: target.isNew,
      replacesConversationId: target.replacesConversationId,
      message,
      idempotencyKey,
      ack,
      idempotencyExpiresAt: expiresAfterSeconds(now, IDEMPOTENCY_TTL_SECONDS),
      ...(frameCount ? { frameCount: { counting: frameCount.counting, now: frameCount.now } } : {}),
    });

    if (outcome.status === 'rate_limited') {
      if (!frameCount) throw new Error('refused by a frame counter it did not write');
      throw frameCount.refusedInWrite();
    }
    if (outcome.status === 'appended') {
      frameCount?.countedInWrite();
      deps.hints.remember(caller.sessionId, conversation.conversationId);
      if (isWithBot(conversation)) await queueForBot(deps, caller, ack);
      return ack;
    }
    if (outcome.status === 'duplicate') {
      await requeueUnanswered(deps, caller, outcome.previous);
      return outcome.previous;
    }
    return LOST_RACE;
  });
}

async function findTarget(deps: SendCitizenMessageDeps, caller: Caller): Promise<ConversationTarget> {
  const read = await deps.targets.read(caller.sessionId, deps.hints.guess(caller.sessionId));
  const session = read.session ?? (await recreateSession(deps, caller));
  const openId = session.openConversationId;
  if (openId !== undefined) {
    const open =
      read.conversation?.conversationId === openId ? read.conversation : await deps.conversations.get(openId);
    if (open && isOpen(open)) {
      deps.hints.remember(caller.sessionId, openId);
      return { conversation: open, isNew: false };
    }
  }
  const now = deps.clock.now();
  return newConversationTarget({
    conversationId: deps.ids.newId(),
    sessionId: caller.sessionId,
    citizenId: session.citizenId,
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
    replacing: openId,
  });
}

async function queueForBot(deps: SendCitizenMessageDeps, caller: Caller, ack: MessageAck): Promise<void> {
  await deps.botJobs.enqueue(botJobFor(ack, caller));
}

async function requeueUnanswered(
  deps: SendCitizenMessageDeps,
  caller: Caller,
  ack: MessageAck,
): Promise<void> {
  const [conversation, botReply] = await Promise.all([
    deps.conversations.get(ack.conversationId),
    deps.log.findBotReply(ack.messageId),
  ]);
  if (!conversation || !isWithBot(conversation) || botReply) return;
  await queueForBot(deps, caller, ack);
}
