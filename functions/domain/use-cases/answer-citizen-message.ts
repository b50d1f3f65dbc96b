/**
 * Use case: the bot answers one citizen message (a job from the bot FIFO queue).
 *
 * Primary course:
 *  1. Read the citizen message the job names; if it is gone (expired), drop the job.
 *  2. If the bot has already answered it (`bot#{messageId}` exists: a redelivered job after a crash),
 *     deliver the stored reply again and stop: nothing is stored twice, no seq is skipped.
 *  3. Read the conversation; if it is no longer with the bot (an operator took it), drop the job.
 *  4. Ask the bot, with what it remembers of the conversation and whether the session is verified.
 *  5. Commit, in one transaction: the conversation's `lastSeq + 1` and bot memory, the reply with
 *     that `seq`, and `bot#{messageId}`. A lost race backs off and starts again from 3.
 *  6. Deliver the reply as a `message` frame to every connection of the session. A gone connection
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
  Clock,
  ConnectionNotifier,
  ConnectionRepository,
  ConversationLog,
  ConversationRepository,
  IdGenerator,
  MessageRepository,
  Responder,
  SessionRepository,
  Sleeper,
} from '../ports.ts';
import { expiresAfterDays, expiresAfterSeconds, IDEMPOTENCY_TTL_SECONDS } from '../retention.ts';
import { backoffDelay, type RetryPolicy, SEQ_CONFLICT_RETRY } from '../retry.ts';
import { SeqContentionError } from './send-citizen-message.ts';

/** The intent of INTENTS.md the bot answers when the knowledge base does not cover a question. */
export const FALLBACK_INTENT = 'fallback';

/** The bot's own sender id on stored messages. */
export const BOT_SENDER_ID = 'bot';

export interface AnswerCitizenMessageDeps {
  messages: MessageRepository;
  conversations: ConversationRepository;
  sessions: SessionRepository;
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
  const citizen = await deps.messages.get(job.conversationId, job.seq);
  if (!citizen || citizen.messageId !== job.messageId) return { status: 'dropped', reason: 'message-gone' };

  const earlier = await deps.log.findBotReply(job.messageId);
  if (earlier) return redeliver(deps, job, earlier);

  const session = await deps.sessions.get(job.sessionId);
  const policy = deps.retry ?? SEQ_CONFLICT_RETRY;
  const messageId = deps.ids.newId();

  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const conversation = await deps.conversations.get(job.conversationId);
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
      const delivery = await deliver(deps, job.sessionId, reply);
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
  return { status: 'redelivered', delivery: await deliver(deps, job.sessionId, reply) };
}

/** Posts the reply to every connection of the session at once; each post has its own deadline. */
export async function deliver(
  deps: Pick<AnswerCitizenMessageDeps, 'connections' | 'notifier'>,
  principalId: string,
  message: StoredMessage,
): Promise<Delivery> {
  const frame: MessageFrame = { type: 'message', ...toChatMessage(message) };
  const connections = await deps.connections.listByPrincipal(principalId);
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
