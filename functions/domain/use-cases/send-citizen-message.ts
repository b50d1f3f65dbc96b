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
 *  4. If the conversation is with the bot, send the ack now (`acknowledge`: the message is stored
 *     and its outbox mark guarantees it an answer), then answer it here, from what step 3 committed
 *     (`answerFreshMessage`: no queue hop, no reads of the job's context). If that fails (or loses
 *     a race), or if step 3 itself lost a race first (other messages of the conversation are being
 *     sent at the same time), or if too little of the invocation is left for a turn
 *     (`turnReserveMs`), or if the ack could not be sent now (the route answers it at once), queue
 *     the bot job instead (group = conversation, deduplication = message id): the bot worker takes
 *     a conversation's jobs one at a time. A message this invocation
 *     answers is stored with its deadline (`turnBy`): the outbox leaves it to this turn until then.
 *  5. Answer the ack, unless step 4 sent it already. It is never answered before step 3 has
 *     committed the message with its outbox mark, so an acknowledged message always reaches the bot:
 *     answered here, queued, or queued by the outbox if this function dies.
 *
 * Crash between step 3 and step 4 (the function dies, SQS fails): the stored message's stream
 * record makes the bot outbox queue the same job (same group and deduplication id) unless the
 * message has been answered by then (its `bot#{messageId}` key), so the message is answered even if
 * the client never resends. When two paths fire, FIFO deduplication keeps one job, and the
 * `bot#{messageId}` key stores one reply whoever answers.
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
import type { BotJobQueue, FreshMessage, FreshMessageAnswerer } from '../ports/bot.ts';
import type { ConversationLog, ConversationRepository } from '../ports/conversations.ts';
import type { SessionRepository, SessionTargetReader } from '../ports/sessions.ts';
import type { Clock, IdGenerator, Sleeper } from '../ports/system.ts';
import { expiresAfterDays, expiresAfterSeconds, IDEMPOTENCY_TTL_SECONDS } from '../retention.ts';
import { LOST_RACE, type RetryPolicy, SEQ_CONFLICT_RETRY, withSeqRetry } from '../retry.ts';
import type { Session } from '../sessions.ts';
import { recreateSession } from './recreate-session.ts';

export interface SendCitizenMessageDeps {
  sessions: SessionRepository;
  targets: SessionTargetReader;
  /** Module-scoped in the handler, so it outlives one invocation. */
  hints: OpenConversationHints;
  conversations: ConversationRepository;
  log: Pick<ConversationLog, 'appendCitizenMessage' | 'findBotReply'>;
  botJobs: BotJobQueue;
  /**
   * Answers the stored message in this invocation (step 4).
   * @default none: every message to the bot is queued for the bot worker
   */
  bot?: FreshMessageAnswerer;
  /** Where `attachmentIds` are checked (read only when a message names some). */
  attachments: Pick<AttachmentRepository, 'getMany'>;
  /**
   * How long before the invocation's deadline a turn may still start (step 4): time for the reply's
   * commit and its posts, so the function is never stopped between the two.
   * @default TURN_RESERVE_MS
   */
  turnReserveMs?: number;
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
  /**
   * Sends the ack now, before the bot's turn (step 4); true once delivered. Without it (or when it
   * fails) the ack is what the use case returns.
   */
  acknowledge?: (ack: MessageAck) => Promise<boolean>;
  /**
   * When this invocation is stopped (epoch ms; Lambda's deadline). With `deps.bot`, a message to the
   * bot is stored with it (`turnBy`): the outbox leaves the message to this invocation's turn until
   * its reply is stored or this deadline has passed.
   */
  deadline?: number;
}

/** A turn starts only this long before the invocation's deadline: the reply's commit, and its posts (3 s each at most). */
export const TURN_RESERVE_MS = 5000;

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

  return withSeqRetry(deps.sleeper, policy, async (attempt) => {
    const { verifiedCitizenId, ...target } = await findTarget(deps, caller);
    await requireReadyAttachments(
      deps.attachments,
      { conversationId: target.conversation.conversationId, uploaderId: caller.principalId },
      input.attachmentIds,
    );
    const now = deps.clock.now();
    const ts = now.toISOString();
    const expiresAt = expiresAfterDays(now, deps.retentionDays);
    const seq = nextSeq(target.conversation);
    // Step 4 is taken here unless this commit follows a lost race (other messages of the conversation
    // are being sent at once: their turns go through the worker's FIFO group one at a time instead of
    // racing the burst's commits) or the invocation is too close to its deadline for a whole turn.
    const late =
      input.deadline !== undefined &&
      now.getTime() + (deps.turnReserveMs ?? TURN_RESERVE_MS) > input.deadline;
    const answersHere = deps.bot !== undefined && attempt === 1 && !late;
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
      // The turn this invocation takes (step 4): the outbox waits for it until the deadline.
      ...(answersHere && input.deadline !== undefined && isWithBot(conversation)
        ? { turnBy: input.deadline }
        : {}),
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
      if (isWithBot(conversation)) {
        const committed = { ...conversation, lastSeq: seq };
        // Stored with its outbox mark: from here the message reaches the bot whatever happens (the
        // outbox), so the citizen need not wait for the turn to see it acknowledged.
        const acked = (await input.acknowledge?.(ack)) ?? true;
        // An ack that could not go out early (`@connections` slow or failing) is answered at once by
        // the route instead, and the turn, whose posts would fare no better, is queued.
        await handToBot(
          deps,
          caller,
          ack,
          { citizen: message, conversation: committed, verifiedCitizenId },
          !answersHere || !acked,
        );
      }
      return ack;
    }
    if (outcome.status === 'duplicate') {
      await requeueUnanswered(deps, caller, outcome.previous);
      return outcome.previous;
    }
    return LOST_RACE;
  });
}

/** The target, and the citizen's id if the session is verified (what the bot is told). */
async function findTarget(
  deps: SendCitizenMessageDeps,
  caller: Caller,
): Promise<ConversationTarget & { verifiedCitizenId: string | undefined }> {
  const read = await deps.targets.read(caller.sessionId, deps.hints.guess(caller.sessionId));
  const session = read.session ?? (await recreateSession(deps, caller));
  const openId = session.openConversationId;
  if (openId !== undefined) {
    const open =
      read.conversation?.conversationId === openId ? read.conversation : await deps.conversations.get(openId);
    if (open && isOpen(open)) {
      deps.hints.remember(caller.sessionId, openId);
      return { conversation: open, isNew: false, verifiedCitizenId: verifiedCitizenOf(session) };
    }
  }
  const now = deps.clock.now();
  const target = newConversationTarget({
    conversationId: deps.ids.newId(),
    sessionId: caller.sessionId,
    citizenId: session.citizenId,
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
    replacing: openId,
  });
  return { ...target, verifiedCitizenId: verifiedCitizenOf(session) };
}

function verifiedCitizenOf(session: Session): string | undefined {
  return session.verified ? session.citizenId : undefined;
}

/** Step 4: answered here, or queued for the bot worker when that fails (or `queueOnly`). */
async function handToBot(
  deps: SendCitizenMessageDeps,
  caller: Caller,
  ack: MessageAck,
  fresh: FreshMessage,
  queueOnly: boolean,
): Promise<void> {
  const job = botJobFor(ack, caller);
  if (deps.bot && !queueOnly && (await deps.bot.answer(job, fresh))) return;
  await deps.botJobs.enqueue(job);
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
