/**
 * The ports of the domain: what the use cases need from storage, queues and the WebSocket API,
 * as interfaces. Adapters (`functions/adapters/`) implement them; handlers wire them once.
 */
import type { BotJob } from '#events/bot-job.ts';
import type { Lang } from '#events/lang.ts';
import type { MessageFrame, Suggestion } from '#events/server-frames.ts';
import type { Conversation } from './conversations.ts';
import type { BotReplyRef, MessageAck } from './idempotency.ts';
import type { StoredMessage } from './messages.ts';
import type { ResumableSession, ResumeTokenSlots } from './resume-tokens.ts';
import type { Connection, Session } from './sessions.ts';

export interface SessionRepository {
  /** Stores the session unless one with its id exists; an existing session is left untouched. */
  createIfAbsent(session: Session): Promise<void>;
  get(sessionId: string): Promise<Session | undefined>;
}

/** The resume-token slots stored on a session (`functions/domain/resume-tokens.ts`). */
export interface ResumeTokenRepository {
  /** The live session with its slots, read consistently; undefined when absent or expired. */
  getResumable(sessionId: string): Promise<ResumableSession | undefined>;
  /**
   * Replaces the session's slots if they are still at `expectedVersion` and the session is live.
   * `conflict`: another writer came first, or the session is gone; the caller reads again.
   */
  replaceSlots(
    sessionId: string,
    slots: ResumeTokenSlots,
    expectedVersion: number,
  ): Promise<'replaced' | 'conflict'>;
}

/** A session and, if one was asked for, a conversation; an absent or expired item is undefined. */
export interface SessionTarget {
  session?: Session;
  conversation?: Conversation;
}

export interface SessionTargetReader {
  /** Reads the session and the guessed conversation (if any) at once, consistently. */
  read(sessionId: string, guessedConversationId: string | undefined): Promise<SessionTarget>;
}

export interface ConnectionRepository {
  save(connection: Connection): Promise<void>;
  /** Idempotent: deleting a connection that is not there succeeds. */
  delete(connectionId: string): Promise<void>;
  listByPrincipal(principalId: string): Promise<Connection[]>;
}

export interface ConversationRepository {
  get(conversationId: string): Promise<Conversation | undefined>;
}

export interface MessagePage {
  messages: StoredMessage[];
  hasMore: boolean;
}

export interface MessageRepository {
  get(conversationId: string, seq: number): Promise<StoredMessage | undefined>;
  /** Messages with `seq > afterSeq`, oldest first, at most `limit`. */
  listAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessagePage>;
}

/**
 * The outcome of one atomic append. `conflict`: another writer moved `lastSeq` (or the session's
 * open conversation) first, nothing was written. `duplicate`: the idempotency key exists, nothing
 * was written, `previous` is what the first writer stored.
 */
export type AppendOutcome<T> =
  | { status: 'appended' }
  | { status: 'conflict' }
  | { status: 'duplicate'; previous: T };

export interface CitizenMessageAppend {
  /** The conversation as read; `lastSeq` is the expected value. A new one has `lastSeq` 0. */
  conversation: Conversation;
  /** True when the conversation is created by this append (and becomes the session's open one). */
  isNewConversation: boolean;
  /** The session's open conversation id that the new conversation replaces, if any. */
  replacesConversationId?: string;
  message: StoredMessage;
  idempotencyKey: string;
  ack: MessageAck;
  idempotencyExpiresAt: number;
}

export interface BotReplyAppend {
  conversation: Conversation;
  message: StoredMessage;
  botContext: { lastBotIntent: string; consecutiveFallbacks: number };
  idempotencyKey: string;
  reply: BotReplyRef;
  idempotencyExpiresAt: number;
}

/**
 * The one place where messages are written: conversation counter, message and idempotency key in
 * a single transaction (docs/architecture.md, "Gap-free seq under concurrency").
 */
export interface ConversationLog {
  appendCitizenMessage(append: CitizenMessageAppend): Promise<AppendOutcome<MessageAck>>;
  appendBotReply(append: BotReplyAppend): Promise<AppendOutcome<BotReplyRef>>;
  findBotReply(citizenMessageId: string): Promise<BotReplyRef | undefined>;
}

/** What the bot worker needs to know before answering a job; an absent or expired item is undefined. */
export interface BotJobContext {
  /** The citizen message at the job's `seq`. */
  citizen?: StoredMessage;
  /** The bot's reply to that message, if one was stored already (`bot#{messageId}`). */
  earlierReply?: BotReplyRef;
  session?: Session;
  conversation?: Conversation;
}

export interface BotJobContextReader {
  /** Reads the whole context at once, consistently: one round trip instead of one per item. */
  read(job: BotJob): Promise<BotJobContext>;
}

export interface BotJobQueue {
  /** Safe to call again for the same job: the queue drops a duplicate (FIFO deduplication). */
  enqueue(job: BotJob): Promise<void>;
}

export type DeliveryOutcome = 'delivered' | 'gone' | 'failed';

export interface ConnectionNotifier {
  /** Never throws: a failure is an outcome, each call bounded by its own deadline. */
  post(connectionId: string, frame: MessageFrame): Promise<DeliveryOutcome>;
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
}

/** The part of the bot (`functions/domain/bot`) that answers a citizen's message. */
export interface Responder {
  reply(input: { text: string; lang: Lang; context?: BotContext }): BotAnswer;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

export interface Sleeper {
  sleep(ms: number): Promise<void>;
}
