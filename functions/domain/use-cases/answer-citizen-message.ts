/**
 * Use case: the bot answers one citizen message (a job from the bot FIFO queue).
 *
 * Primary course:
 *  1. Read, at once (one round trip): the citizen message the job names, `bot#{messageId}`, the
 *     session and the conversation.
 *  2. If the citizen message is gone (expired) or is not the job's message, drop the job. The job
 *     itself only names the message: it is queued after the commit, but the stored message is what
 *     the bot answers, so a message removed since (expiry, a later erasure) is never answered.
 *  3. If the bot has already answered it (`bot#{messageId}` exists: a redelivered job after a crash),
 *     deliver the stored reply again and stop: nothing is stored twice, no seq is skipped.
 *  4. If the conversation is no longer with the bot (an operator took it), drop the job.
 *  5. Ask the bot, with what it remembers of the conversation and whether the session is verified.
 *  6. Commit, in one transaction: the conversation's `lastSeq + 1` and bot memory, the reply with
 *     that `seq`, and `bot#{messageId}`; the session's connections are listed meanwhile. A lost race
 *     backs off, reads the conversation again and starts again from 4.
 *  7. Deliver the reply as a `message` frame to every connection of the session. A gone connection
 *     is removed; any other failure is left to the client, which recovers it with `history.get`.
 *
 * Escalation is a later issue: the bot's `escalate` and `category` are stored with the reply only.
 */
import type { BotJob } from '#events/bot-job.ts';
import type { MessageFrame } from '#events/server-frames.ts';
import { type Conversation, isWithBot, nextSeq } from '../conversations.ts';
import { type BotReplyRef, botReplyKey } from '../idempotency.ts';
import { type StoredMessage, toChatMessage } from '../messages.ts';
import type {
  BotAnswer,
  BotJobContextReader,
  Clock,
  ConnectionNotifier,
  ConnectionRepository,
  ConversationLog,
  ConversationRepository,
  IdGenerator,
  MessageRepository,
  Responder,
  Sleeper,
} from '../ports.ts';
import { expiresAfterDays, expiresAfterSeconds, IDEMPOTENCY_TTL_SECONDS } from '../retention.ts';
import { backoffDelay, type RetryPolicy, SEQ_CONFLICT_RETRY } from '../retry.ts';
import type { Connection } from '../sessions.ts';
import { SeqContentionError } from './send-citizen-message.ts';

/** The intent of INTENTS.md the bot answers when the knowledge base does not cover a question. */
export const FALLBACK_INTENT = 'fallback';

/** The bot's own sender id on stored messages. */
export const BOT_SENDER_ID = 'bot';

export interface AnswerCitizenMessageDeps {
  jobContext: BotJobContextReader;
  messages: MessageRepository;
  conversations: ConversationRepository;
  connections: ConnectionRepository;
  log: ConversationLog;
  notifier: ConnectionNotifier;
  responder: Responder;
  clock: Clock;
  ids: IdGenerator;
  sleeper: Sleeper;
  retentionDays: number;
  retry?: RetryPolicy;
}

export interface Delivery {
  delivered: number;
  gone: number;
  failed: number;
}

export type AnswerOutcome =
  | { status: 'answered'; reply: StoredMessage; firstResponseMs: number; delivery: Delivery }
  | { status: 'redelivered'; delivery: Delivery }
  | { status: 'answered-elsewhere' }
  | { status: 'dropped'; reason: 'message-gone' | 'conversation-gone' | 'not-with-bot' };

export async function answerCitizenMessage(
  deps: AnswerCitizenMessageDeps,
  job: BotJob,
): Promise<AnswerOutcome> {
  const { citizen, earlierReply, session, conversation: firstRead } = await deps.jobContext.read(job);
  if (!citizen || citizen.messageId !== job.messageId) return { status: 'dropped', reason: 'message-gone' };
  if (earlierReply) return redeliver(deps, job, earlierReply);

  const policy = deps.retry ?? SEQ_CONFLICT_RETRY;
  const messageId = deps.ids.newId();
  let connections: Promise<Connection[]> | undefined;

  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const conversation = attempt === 1 ? firstRead : await deps.conversations.get(job.conversationId);
    if (!conversation) return { status: 'dropped', reason: 'conversation-gone' };
    if (!isWithBot(conversation)) return { status: 'dropped', reason: 'not-with-bot' };

    const answer = deps.responder.reply({
      text: citizen.text,
      lang: job.lang,
      context: {
        lastBotIntent: conversation.lastBotIntent,
        consecutiveFallbacks: conversation.consecutiveFallbacks ?? 0,
        verified: session?.verified ?? false,
      },
    });
    const now = deps.clock.now();
    const expiresAt = expiresAfterDays(now, deps.retentionDays);
    const reply = botReply(conversation, messageId, answer, now.toISOString(), expiresAt);
    // Listed while the reply commits, not after: one round trip less before the push. A connection
    // opened meanwhile may miss the push, as one opened just after the listing always could; a
    // client catches up with `history.get` when it (re)connects.
    connections ??= listConnections(deps, job.sessionId);
    const outcome = await deps.log.appendBotReply({
      conversation: { ...conversation, updatedAt: reply.ts, expiresAt },
      message: reply,
      botContext: {
        lastBotIntent: answer.intent,
        consecutiveFallbacks:
          answer.intent === FALLBACK_INTENT ? (conversation.consecutiveFallbacks ?? 0) + 1 : 0,
      },
      idempotencyKey: botReplyKey(job.messageId),
      reply: { conversationId: reply.conversationId, seq: reply.seq, messageId: reply.messageId },
      idempotencyExpiresAt: expiresAfterSeconds(now, IDEMPOTENCY_TTL_SECONDS),
    });

    if (outcome.status === 'appended') {
      const delivery = await deliver(deps, await connections, reply);
      const firstResponseMs = now.getTime() - Date.parse(citizen.ts);
      return { status: 'answered', reply, firstResponseMs, delivery };
    }
    // Another worker stored the reply (a redelivery racing the first): it also delivers it.
    if (outcome.status === 'duplicate') return { status: 'answered-elsewhere' };
    if (attempt < policy.maxAttempts) await deps.sleeper.sleep(backoffDelay(policy, attempt));
  }
  throw new SeqContentionError(policy.maxAttempts);
}

function botReply(
  conversation: Conversation,
  messageId: string,
  answer: BotAnswer,
  ts: string,
  expiresAt: number,
): StoredMessage {
  return {
    conversationId: conversation.conversationId,
    seq: nextSeq(conversation),
    messageId,
    from: 'bot',
    senderId: BOT_SENDER_ID,
    text: answer.text,
    ts,
    expiresAt,
    intent: answer.intent,
    confidence: answer.confidence,
    suggestions: answer.suggestions,
    escalate: answer.escalate,
    category: answer.category,
  };
}

async function redeliver(
  deps: AnswerCitizenMessageDeps,
  job: BotJob,
  ref: BotReplyRef,
): Promise<AnswerOutcome> {
  const reply = await deps.messages.get(ref.conversationId, ref.seq);
  if (!reply) return { status: 'dropped', reason: 'message-gone' };
  const connections = await deps.connections.listByPrincipal(job.sessionId);
  return { status: 'redelivered', delivery: await deliver(deps, connections, reply) };
}

/** Starts listing the connections; awaited later, and never left rejected unobserved if it is not. */
function listConnections(
  deps: Pick<AnswerCitizenMessageDeps, 'connections'>,
  principalId: string,
): Promise<Connection[]> {
  const listing = deps.connections.listByPrincipal(principalId);
  listing.catch(() => undefined);
  return listing;
}

/** Posts the reply to every listed connection at once; each post has its own deadline. */
export async function deliver(
  deps: Pick<AnswerCitizenMessageDeps, 'connections' | 'notifier'>,
  connections: Connection[],
  message: StoredMessage,
): Promise<Delivery> {
  const frame: MessageFrame = { type: 'message', ...toChatMessage(message) };
  const outcomes = await Promise.all(
    connections.map(async ({ connectionId }) => {
      const outcome = await deps.notifier.post(connectionId, frame);
      if (outcome === 'gone') await deps.connections.delete(connectionId);
      return outcome;
    }),
  );
  return {
    delivered: outcomes.filter((o) => o === 'delivered').length,
    gone: outcomes.filter((o) => o === 'gone').length,
    failed: outcomes.filter((o) => o === 'failed').length,
  };
}
