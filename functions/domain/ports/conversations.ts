/**
 * The ports of conversations and their messages: the conversation and message stores, the one
 * transactional log every message is written through (citizen, bot and operator appends), and the
 * internal notes operators keep on a conversation.
 */
import type { InternalNote } from '#events/desk-frames.ts';
import type { Counting } from '../client-limits.ts';
import type { Conversation, PendingQuestion } from '../conversations.ts';
import type { BotReplyRef, MessageAck } from '../idempotency.ts';
import type { StoredMessage } from '../messages.ts';

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
  /**
   * The frame's count on the per-client limits' counter, written in the same transaction on the
   * same condition (functions/domain/client-limits.ts, `DeferredFrameCount`). Refused by it:
   * `rate_limited`, and nothing is written.
   */
  frameCount?: { counting: Counting; now: Date };
  /**
   * The bot's turn that answers the message, written in the same transaction (`message.send`'s own
   * turn): the conversation becomes `botTurn.next` on the condition that it is still with the bot
   * at the `lastSeq` read, the bot's messages follow the citizen's, and the citizen message holds
   * the reply's place (`reply`: `botTurn.idempotency.reply`), which says it is answered; no
   * `bot#{messageId}` key is written. Without it the message is stored alone, advancing `lastSeq`
   * by one.
   */
  botTurn?: BotTurnWrite;
}

/** A bot turn's writes besides the conversation as read: written with its citizen message, or alone. */
export type BotTurnWrite = Required<Pick<BotTurnAppend, 'next' | 'messages' | 'idempotency'>> &
  Pick<BotTurnAppend, 'pendingQuestion'>;

/** What appending a citizen message came to: a message's outcomes, or over a per-client limit. */
export type CitizenAppendOutcome = AppendOutcome<MessageAck> | { status: 'rate_limited' };

/**
 * One turn of the bot: its messages (consecutive seqs after `expected.lastSeq`) and what the
 * conversation becomes, written together. Conditions: `lastSeq` and state `bot` as read (or, for a
 * new conversation, that it does not exist and the session's open one is as read).
 */
export interface BotTurnAppend {
  /** The conversation as read; a new one has `lastSeq` 0. */
  expected: Conversation;
  /** The conversation after the turn: `lastSeq` of the last message, bot memory, intake, state. */
  next: Conversation;
  /** True when the turn creates the conversation (`operator.request` with none open). */
  isNewConversation?: boolean;
  /** The session's open conversation id that the new conversation replaces, if any. */
  replacesConversationId?: string;
  messages: StoredMessage[];
  /** `bot#{citizen messageId}` for a turn that answers a citizen message. */
  idempotency?: { key: string; reply: BotReplyRef; expiresAt: number };
  /**
   * The conversation's pending question, written with the turn's own update of the conversation:
   * `remember` the question a guest was asked to identify for; `forget` it once answered after
   * identification. Without it the turn leaves the pending question as it is.
   */
  pendingQuestion?: { remember: PendingQuestion } | { forget: true };
}

/**
 * A notice of the bot outside any turn (the confirmation of an MFC visit booked, moved or cancelled):
 * one bot message at `lastSeq + 1` of the session's open conversation in whatever open state it is
 * (with the bot, queued, with an operator; never a closed one), or of a new conversation with the
 * bot, with its key: written once whatever replays the change.
 */
export interface NoticeAppend {
  /** The conversation as read; `lastSeq` is the expected value. A new one has `lastSeq` 0. */
  conversation: Conversation;
  /** True when the notice creates the conversation (and it becomes the session's open one). */
  isNewConversation: boolean;
  /** The session's open conversation id that the new conversation replaces, if any. */
  replacesConversationId?: string;
  message: StoredMessage;
  idempotency: { key: string; reply: BotReplyRef; expiresAt: number };
}

/**
 * An operator's message (`operator.reply`): the conversation's `lastSeq` moves from the value read
 * only while the conversation is still with that operator (state `operator`, `operatorId`), together
 * with the message and its idempotency key `reply#{operatorId}#{conversationId}#{clientMessageId}`.
 */
export interface OperatorMessageAppend {
  /** The conversation as read; `lastSeq` is the expected value. */
  conversation: Conversation;
  operatorId: string;
  message: StoredMessage;
  idempotencyKey: string;
  ack: MessageAck;
  idempotencyExpiresAt: number;
  /** Set on the first operator reply of the conversation: stored as `firstOperatorReplyAt`. */
  firstReplyAt?: string;
}

/**
 * The one place where messages are written: conversation counter, message and idempotency key in
 * a single transaction (docs/architecture.md, "Gap-free seq under concurrency").
 */
export interface ConversationLog {
  appendCitizenMessage(append: CitizenMessageAppend): Promise<CitizenAppendOutcome>;
  appendOperatorMessage(append: OperatorMessageAppend): Promise<AppendOutcome<MessageAck>>;
  appendBotTurn(append: BotTurnAppend): Promise<AppendOutcome<BotReplyRef>>;
  appendNotice(append: NoticeAppend): Promise<AppendOutcome<BotReplyRef>>;
  /** The ack stored under a message's idempotency key, while the key lives. */
  findAck(idempotencyKey: string): Promise<MessageAck | undefined>;
  /** The bot's reply stored on its own under `bot#{citizenMessageId}`, while the key lives. */
  findBotReply(citizenMessageId: string): Promise<BotReplyRef | undefined>;
  /**
   * The bot's reply to a citizen message however it was stored: its `bot#` key, or the place the
   * message itself holds when it was stored together with it (one consistent read of both).
   */
  findReplyTo(citizen: MessageKey): Promise<BotReplyRef | undefined>;
  /**
   * `claimRedelivery` for a reply whose place the citizen message holds (stored together with it):
   * a conditional write of `reply.redeliveredAt` on the message, true the first time only.
   */
  claimMessageRedelivery(citizen: MessageKey): Promise<boolean>;
  /**
   * Takes the one re-delivery of a stored bot reply the worker may make (a conditional write on its
   * key, `bot#{citizenMessageId}` or `…#identified`: `botJobReplyKey`): true the first time, false ever after, so a reply is never posted
   * twice by the worker however often its job comes back.
   */
  claimRedelivery(replyKey: string): Promise<boolean>;
}

/** Where a citizen message is, and which it is. */
export interface MessageKey {
  conversationId: string;
  seq: number;
  messageId: string;
}

/** Internal notes of conversations (`operator.note`, transfers): never shown to citizens. */
export interface NoteRepository {
  add(note: InternalNote & { expiresAt: number }): Promise<void>;
  /** Every live note of the conversation, oldest first. */
  list(conversationId: string): Promise<InternalNote[]>;
}

/** The bot outbox's reads of `bot#` keys for a batch of messages (`DynamoBotReplies`). */
export interface BotReplyReads {
  /** Reads the keys of these messages at once; the ids of those still unanswered. */
  readReplies(citizenMessageIds: readonly string[]): Promise<Set<string>>;
}
