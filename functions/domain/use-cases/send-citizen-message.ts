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
 *  3. If the conversation is with the bot, decide the bot's turn now, before anything is stored
 *     (`deps.bot.plan`: the conversation as the message will leave it, no queue hop, no reads of
 *     the job's context) — unless this attempt follows a lost race (other messages of the
 *     conversation are being sent at the same time) or too little of the invocation is left for a
 *     turn (`turnReserveMs`), or the turn needs what this function does not hold (the portal's
 *     registry) or a read for it failed: then the message is stored alone and its job queued.
 *  4. Commit, in one transaction: the message with `seq` = `lastSeq + 1`, the idempotency key
 *     `msg#{sender}#{clientMessageId}` holding the ack, (`frameCount`) the frame's count on the
 *     per-client limits' counter — over a limit, RATE_LIMITED and nothing is written; any frame
 *     that stores no message is counted by the route on its own — and either the bot's turn (the
 *     conversation after it, on the condition that it is still with the bot at the `lastSeq` read,
 *     the bot's messages after the citizen's, and on the citizen's message its reply's place
 *     (`reply`, in place of a `bot#{messageId}` key): the message is stored answered or not at all,
 *     one write for the whole turn), or `lastSeq + 1` alone with the outbox mark:
 *     `outbox: 'bot'` (session, language) to the bot, `outbox: 'operator'` to a conversation queued
 *     or with an operator, whose stream record makes the desk relay push it to the assigned
 *     operator (functions/handlers/desk-relay.ts).
 *  5. To the bot: send the ack now (`acknowledge`), then publish the turn's escalation and post its
 *     messages (`deps.bot.deliver`). A message stored alone, a delivery that failed, or an ack that
 *     could not be sent now (the route answers it at once) queue the bot job (group =
 *     conversation, deduplication = message id): the bot worker takes a conversation's jobs one at
 *     a time, answers a message stored alone and posts a stored reply once.
 *  6. Answer the ack, unless step 5 sent it already. It is never answered before step 4 has
 *     committed the message answered or with its outbox mark, so an acknowledged message always
 *     reaches the bot.
 *
 * Crash after step 4 (the function dies, SQS fails): a message stored answered has its reply in
 * history (a client that reconnects reads it with `history.get`; one that resends has it posted
 * again, below); one stored alone has its stream
 * record, which makes the bot outbox queue the same job (same group and deduplication id) unless the
 * message has been answered by then (its `bot#{messageId}` key), so the message is answered even if
 * the client never resends. When two paths fire, FIFO deduplication keeps one job, and the
 * `bot#{messageId}` key stores one reply whoever answers.
 *
 * Repeated clientMessageId (a resend, or a copy racing the first): step 4 finds the key, nothing is
 * written, and the stored ack is answered. If the bot has not answered that message yet, or the
 * worker has not posted its stored reply yet, its job is queued again: the first attempt may have
 * crashed between step 4 and step 5 (before queueing the job, or before posting the reply). FIFO
 * deduplication drops the copy of a job still queued, and the worker posts a stored reply once at
 * most (a client drops a seq it already shows).
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
  log: Pick<ConversationLog, 'appendCitizenMessage' | 'findReplyTo'>;
  botJobs: BotJobQueue;
  /**
   * Answers the message in this invocation, in its own commit (steps 3–5).
   * @default none: every message to the bot is queued for the bot worker
   */
  bot?: FreshMessageAnswerer;
  /** Where `attachmentIds` are checked (read only when a message names some). */
  attachments: Pick<AttachmentRepository, 'getMany'>;
  /**
   * How long before the invocation's deadline a turn may still start (step 3): time for its commit
   * and its posts, so the function is never stopped between the two.
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
  /** The frame's count on the per-client limits, to write with the message (step 4). */
  frameCount?: FrameCountInWrite;
  /**
   * Sends the ack now, before the bot's reply is posted (step 5); true once delivered. Without it (or when it
   * fails) the ack is what the use case returns.
   */
  acknowledge?: (ack: MessageAck) => Promise<boolean>;
  /**
   * When this invocation is stopped (epoch ms; Lambda's deadline): no turn is taken here within
   * `turnReserveMs` of it.
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
    const conversation: Conversation = { ...target.conversation, updatedAt: ts, expiresAt };
    const toBot = isWithBot(conversation);
    const ack: MessageAck = {
      clientMessageId: input.clientMessageId,
      messageId,
      conversationId: conversation.conversationId,
      seq,
      ts,
    };
    const citizen: StoredMessage = {
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
      ...(input.attachmentIds?.length ? { attachments: input.attachmentIds } : {}),
    };
    // Step 3: the turn is decided here unless this commit follows a lost race (other messages of the
    // conversation are being sent at once: their turns go through the worker's FIFO group one at a
    // time instead of racing the burst's commits) or the invocation is too close to its deadline for
    // a whole turn.
    const late =
      input.deadline !== undefined &&
      now.getTime() + (deps.turnReserveMs ?? TURN_RESERVE_MS) > input.deadline;
    const job = botJobFor(ack, caller);
    const fresh: FreshMessage = {
      citizen,
      conversation: { ...conversation, lastSeq: seq },
      verifiedCitizenId,
    };
    const reply = toBot && deps.bot && attempt === 1 && !late ? await deps.bot.plan(job, fresh) : undefined;

    const { frameCount } = input;
    const outcome = await deps.log.appendCitizenMessage({
      conversation,
      isNewConversation: target.isNew,
      replacesConversationId: target.replacesConversationId,
      // Answered in its own commit, a message needs no outbox entry; stored alone, it is one: `bot`
      // (the outbox makes sure its job is queued) or, queued or with an operator, `operator` (the
      // desk relay pushes it to the operator, once one is assigned).
      message: reply ? citizen : { ...citizen, outbox: toBot ? 'bot' : 'operator' },
      ...(reply ? { botTurn: reply.append } : {}),
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
      if (!toBot) return ack;
      // Stored answered, or with its outbox mark: from here the message reaches the bot whatever
      // happens, so the ack goes out before the reply is posted.
      const acked = (await input.acknowledge?.(ack)) ?? true;
      // An ack that could not go out early (`@connections` slow or failing) is answered at once by
      // the route instead, and the reply's posts, which would fare no better, are left to the
      // worker, which posts a stored reply once.
      const delivered = reply !== undefined && (await deps.bot?.deliver(job, fresh, reply, acked));
      if (!delivered) await deps.botJobs.enqueue(job);
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

async function queueForBot(deps: SendCitizenMessageDeps, caller: Caller, ack: MessageAck): Promise<void> {
  await deps.botJobs.enqueue(botJobFor(ack, caller));
}

/**
 * A repeated message: its job is queued again if the bot has not answered it yet (the first
 * attempt may have died before queueing it), or if its stored reply (its `bot#` key, or the place the
 * message holds when stored with it) has not been posted by the worker yet (the first attempt may
 * have died after its commit and before its posts: the client
 * that resends never got the ack, so it may well have missed the reply too). The worker answers
 * once, and posts a stored reply once at most (`claimRedelivery`); a client drops a seq it shows.
 */
async function requeueUnanswered(
  deps: SendCitizenMessageDeps,
  caller: Caller,
  ack: MessageAck,
): Promise<void> {
  const [conversation, botReply] = await Promise.all([
    deps.conversations.get(ack.conversationId),
    deps.log.findReplyTo(ack),
  ]);
  const unanswered = !botReply && conversation !== undefined && isWithBot(conversation);
  const notReposted = botReply !== undefined && botReply.redeliveredAt === undefined;
  if (unanswered || notReposted) await queueForBot(deps, caller, ack);
}
