/**
 * The ports of the bot: what the bot worker reads before answering a job, the bot queue, the
 * responder and the handover speaker (`functions/domain/bot`), and the escalation queue a
 * conversation goes to when the bot hands it to a person.
 */
import type { BotJob } from '#events/bot-job.ts';
import type { Suggestion } from '#events/chat-message.ts';
import type { EscalationEvent } from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import type { EscalationReason as BotEscalationReason } from '../bot/index.ts';
import type { Conversation } from '../conversations.ts';
import type { BotReplyRef } from '../idempotency.ts';
import type { StoredMessage } from '../messages.ts';
import type { Session } from '../sessions.ts';
import type { BotTurnWrite } from './conversations.ts';

/** What the bot worker needs to know before answering a job; an absent or expired item is undefined. */
export interface BotJobContext {
  /** The citizen message at the job's `seq`. */
  citizen?: StoredMessage;
  /**
   * The bot's reply to that message, if one was stored already: `bot#{messageId}` (`…#identified`
   * for a job after identification), or the place the message itself holds when it was stored
   * with its answer (`replyOnMessage`).
   */
  earlierReply?: BotReplyRef;
  /** `earlierReply` is the message's own (claim its re-post on the message, not on a key). */
  replyOnMessage?: true;
  session?: Session;
  conversation?: Conversation;
}

export interface BotJobContextReader {
  /** Reads the whole context at once, consistently: one round trip instead of one per item. */
  read(job: BotJob): Promise<BotJobContext>;
}

/**
 * What the sender of a message knows as it stores it, which is a bot job's whole context: the
 * message, the conversation as the message leaves it (`lastSeq` = its seq), and whether the session
 * is verified. Nobody can have answered a message not stored yet: there is no `bot#` key to read.
 */
export interface FreshMessage {
  citizen: StoredMessage;
  conversation: Conversation;
  /** The citizen's id when the session is verified (what the bot is told); undefined for a guest. */
  verifiedCitizenId: string | undefined;
}

/**
 * A bot turn decided but not yet stored: what the conversation becomes, the bot's messages after
 * its `lastSeq`, the pending question, and the reply's place that says the citizen message is
 * answered (`idempotency.reply`; its `key` is the worker's `bot#{messageId}`). `message.send` writes
 * it in the citizen message's own transaction, the place on the message itself, no key.
 */
export interface FreshReply {
  append: BotTurnWrite;
  escalation?: EscalationEvent;
}

/**
 * `message.send`'s own bot turn (functions/adapters/bot-turn-wiring.ts): decided before the message
 * is stored, committed with it, delivered after. Never throws.
 */
export interface FreshMessageAnswerer {
  /**
   * The turn, or undefined when it is not taken here (a turn that needs the portal's registry, a
   * failed read; logged): the sender then stores the message alone and queues its bot job.
   */
  plan(job: BotJob, fresh: FreshMessage): Promise<FreshReply | undefined>;
  /**
   * Publishes the committed turn's escalation and posts its messages, and reports the turn (its
   * metrics and log line): false when that failed (logged), or when `acked` is false (the ack could
   * not be posted early: nothing is posted, the turn is only reported), and the sender queues the
   * job, whose worker posts the stored reply once.
   */
  deliver(job: BotJob, fresh: FreshMessage, reply: FreshReply, acked: boolean): Promise<boolean>;
}

export interface BotJobQueue {
  /** Safe to call again for the same job: the queue drops a duplicate (FIFO deduplication). */
  enqueue(job: BotJob): Promise<void>;
}

/** Where a conversation goes when the bot hands it to a person (events/escalation.ts). */
export interface EscalationQueue {
  /** Safe to call again for the same event: the queue drops a duplicate (conversationId#attempt). */
  publish(event: EscalationEvent): Promise<void>;
}

export interface BotContext {
  lastBotIntent?: string;
  consecutiveFallbacks?: number;
  verified?: boolean;
}

export interface BotAnswer {
  intent: string;
  confidence: number;
  text: string;
  suggestions: Suggestion[];
  escalate: boolean;
  category: string;
  needsIdentification: boolean;
  /** The language of `text`: the one the citizen wrote in. */
  lang?: Lang;
  /** Why the bot hands over, when `escalate` is true. */
  escalationReason?: BotEscalationReason;
  /** The recognised problem's title, to pre-fill the intake's `service`. */
  intakeService?: string;
}

/** The part of the bot (`functions/domain/bot`) that answers a citizen's message. */
export interface Responder {
  reply(input: { text: string; lang: Lang; context?: BotContext }): BotAnswer;
}

/**
 * The bot's handover message for a citizen who asked for a person with `operator.request`; its
 * `category` is that of `about` (the conversation's last recognised intent) when that names a problem.
 */
export interface HandoverSpeaker {
  handOver(lang: Lang, about?: string): BotAnswer;
}
