/**
 * The ports of the domain: what the use cases need from storage, queues and the WebSocket API,
 * as interfaces. Adapters (`functions/adapters/`) implement them; handlers wire them once.
 */
import type { BotJob } from '#events/bot-job.ts';
import type { Suggestion } from '#events/chat-message.ts';
import type { InternalNote, PushPlatform, TypingEventFrame } from '#events/desk-frames.ts';
import type { EscalationEvent } from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import type { ConversationAssignedFrame, QueueStatsFrame } from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame, MessageFrame } from '#events/server-frames.ts';
import type { FeedbackRequestFrame, TicketUpdatedFrame } from '#events/tickets.ts';
import type { EscalationReason as BotEscalationReason } from './bot/index.ts';
import type { Conversation } from './conversations.ts';
import type { BotReplyRef, MessageAck } from './idempotency.ts';
import type { SendWindow, VerificationRecord } from './identification.ts';
import type { StoredMessage } from './messages.ts';
import type { ResumableSession, ResumeTokenSlots } from './resume-tokens.ts';
import type { Connection, Session } from './sessions.ts';
import type { Ticket, TicketFeedback, TicketStatus } from './tickets.ts';

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
  appendCitizenMessage(append: CitizenMessageAppend): Promise<AppendOutcome<MessageAck>>;
  appendOperatorMessage(append: OperatorMessageAppend): Promise<AppendOutcome<MessageAck>>;
  appendBotTurn(append: BotTurnAppend): Promise<AppendOutcome<BotReplyRef>>;
  /** The ack stored under a message's idempotency key, while the key lives. */
  findAck(idempotencyKey: string): Promise<MessageAck | undefined>;
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

/** Where a conversation goes when the bot hands it to a person (events/escalation.ts). */
export interface EscalationQueue {
  /** Safe to call again for the same event: the queue drops a duplicate (conversationId#attempt). */
  publish(event: EscalationEvent): Promise<void>;
}

export type DeliveryOutcome = 'delivered' | 'gone' | 'failed';

/** Frames pushed to a connection, outside any request/response. */
export type PushedFrame =
  | MessageFrame
  | ConversationUpdatedFrame
  | TypingEventFrame
  | TicketUpdatedFrame
  | FeedbackRequestFrame
  | ConversationAssignedFrame
  | QueueStatsFrame;

export interface ConnectionNotifier {
  /** Never throws: a failure is an outcome, each call bounded by its own deadline. */
  post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome>;
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

/**
 * A message to a citizen outside the WebSocket (`functions/adapters/notifier.ts`): SMS to an E.164
 * phone, e-mail, or mobile push to an SNS platform endpoint ARN. Holds personal data: never log it.
 */
export type OutOfBandMessage =
  | { channel: 'sms'; to: string; text: string }
  | { channel: 'email'; to: string; subject: string; text: string }
  | { channel: 'push'; to: string; title: string; text: string; data?: Record<string, string> };

export interface OutOfBandNotifier {
  /** Hands the message to SNS/SES (or the local outbox); throws when that fails. */
  send(message: OutOfBandMessage): Promise<void>;
}

/** A session as identification reads it: what it is, its code sends, its pending destination. */
export interface SessionIdentity {
  resumable: ResumableSession;
  /** Codes sent for this session in the current window (all destinations). */
  codeSends?: SendWindow;
  /** Optimistic-concurrency version of `codeSends` and `pendingDestinationKey`; 0 when never written. */
  identityVersion: number;
  /** The destination whose code this session asked for last. */
  pendingDestinationKey?: string;
  /** The phone of that request, when the citizen opted in to SMS (E.164; personal data). */
  pendingSmsPhone?: string;
  /** The masked phone of that request (`+7 ********67`), shown to operators once verified. */
  pendingMaskedPhone?: string;
}

/** A stored record and the version it was read at (0: none was ever written, or it expired). */
export interface VersionedRecord {
  record: VerificationRecord | undefined;
  version: number;
}

/** VerificationCodesTable and the identification fields of sessions (`identification.ts`). */
export interface IdentificationRepository {
  getRecord(destinationKey: string): Promise<VersionedRecord>;
  getSessionIdentity(sessionId: string): Promise<SessionIdentity | undefined>;
  /**
   * A code was decided: the destination's record and the session's sends and pending destination,
   * in one transaction, each under its version. `conflict`: another writer came first.
   */
  saveCodeRequest(input: {
    record: VerificationRecord;
    recordVersion: number;
    recordExpiresAt: number;
    sessionId: string;
    codeSends: SendWindow;
    identityVersion: number;
    /** The phone to keep for status SMS once verified (opted in); absent: none is kept. */
    smsPhone: string | undefined;
    /** The masked phone of an SMS request, for operators once verified. */
    maskedPhone: string | undefined;
  }): Promise<'saved' | 'conflict'>;
  /** A wrong code was counted (or locked the destination), under the record's version. */
  saveAttempt(record: VerificationRecord, version: number, expiresAt: number): Promise<'saved' | 'conflict'>;
  /**
   * The code was right, in one transaction: the record (code used up, failures reset) under its
   * version; the session verified with `citizenId`, its pending destination cleared and its resume
   * token slots replaced, under the slots' version and only while `openConversationId` is as read;
   * the open conversation (if any) carried over to the citizen. `conflict`: something moved.
   */
  completeVerification(input: VerificationCompletion): Promise<'verified' | 'conflict'>;
}

/** What a successful verification writes (`IdentificationRepository.completeVerification`). */
export interface VerificationCompletion {
  record: VerificationRecord;
  recordVersion: number;
  recordExpiresAt: number;
  session: ResumableSession;
  citizenId: string;
  slots: ResumeTokenSlots;
  openConversationId: string | undefined;
  /** The opted-in phone of the request: the session gets `smsOptIn` and `smsPhone`. */
  smsPhone: string | undefined;
  /** The masked phone of the request: the session gets `maskedPhone` (for operators). */
  maskedPhone: string | undefined;
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

// Tickets (functions/domain/tickets.ts) ----------------------------------------------------------

/**
 * `created`: the ticket and the claim on its number were written together. `exists`: a ticket with
 * this id is stored already (an idempotent retry): nothing written, the stored one returned.
 * `number_taken`: another ticket holds the number: nothing written, draw another.
 */
export type TicketCreateOutcome =
  | { status: 'created' }
  | { status: 'exists'; existing: Ticket }
  | { status: 'number_taken' };

/** What a transition writes besides the ticket, in the same transaction. */
export interface TransitionEffects {
  /** Close this conversation (`state = closed`): its ticket reached a final status. */
  closeConversationId?: string;
  /**
   * Write only while this conversation is still assigned to this operator (an operator's change of
   * the ticket of their conversation: a transfer at the same moment wins, or this does).
   */
  whileAssigned?: { conversationId: string; operatorId: string };
}

export interface TicketRepository {
  /** Stores a new ticket and claims its number, atomically (uniqueness is the claim's condition). */
  create(ticket: Ticket): Promise<TicketCreateOutcome>;
  /** Read consistently: a transition's optimistic lock is the version read here. */
  get(ticketId: string): Promise<Ticket | undefined>;
  /** Follows the number's claim to its ticket, consistently. */
  getByNumber(number: string): Promise<Ticket | undefined>;
  /** A verified citizen's tickets (index `byCitizen`). */
  listByCitizen(citizenId: string): Promise<Ticket[]>;
  /** Tickets opened in a session (index `bySession`), also before it was verified. */
  listBySession(sessionId: string): Promise<Ticket[]>;
  /** The newest `limit` tickets in `status` (index `byStatus`), for staff. */
  listByStatus(status: TicketStatus, limit: number): Promise<Ticket[]>;
  /**
   * Writes `next` (with `effects`) only if the stored ticket is still at `expected`'s version and
   * status. `conflict`: someone else changed it first, or the conversation to close is gone or no
   * longer assigned as `whileAssigned` says; nothing was written.
   */
  replace(next: Ticket, expected: Ticket, effects?: TransitionEffects): Promise<'replaced' | 'conflict'>;
  /** Stores the rating of a completed ticket that has none. `conflict`: rated already, or not completed. */
  recordFeedback(ticketId: string, feedback: TicketFeedback): Promise<'recorded' | 'conflict'>;
  /**
   * Records the ticket on its conversation (`ticketId`), unless a later escalation's ticket is
   * there already. `gone`: the conversation does not exist (expired).
   */
  linkConversation(conversationId: string, ticketId: string, attempt: number): Promise<'linked' | 'gone'>;
}

/** The sessions a verified citizen has used (SessionsTable index `byCitizen`). */
export interface CitizenSessionLookup {
  sessionIdsOf(citizenId: string): Promise<string[]>;
}

/**
 * Frees the operator's capacity when their conversation's ticket reaches a final status (E4's
 * assignment implements it: `releaseAssignment`). Idempotent: calling it twice frees one slot.
 */
export interface AssignmentReleaser {
  releaseAssignment(conversationId: string, operatorId: string): Promise<void>;
}

/** A citizen's device registered with `push.register`: its SNS platform endpoint. */
export interface PushDevice {
  /** `citizen#{citizenId}` for a verified citizen, else `session#{sessionId}`. */
  ownerKey: string;
  /** `{platform}#{SHA-256 of the device token}`: one item per device, never the token itself. */
  deviceKey: string;
  platform: PushPlatform;
  endpointArn: string;
  sessionId: string;
  citizenId?: string;
  registeredAt: string;
  expiresAt: number;
}

export interface PushDeviceRepository {
  /** Stores (or refreshes) the device under its owner. */
  save(device: PushDevice): Promise<void>;
  /** The devices of these owners (a citizen's and their session's), without duplicates. */
  listByOwners(ownerKeys: string[]): Promise<PushDevice[]>;
  delete(device: Pick<PushDevice, 'ownerKey' | 'deviceKey'>): Promise<void>;
}

/** SNS mobile push: a device token becomes a platform endpoint. */
export interface PushEndpointRegistry {
  /**
   * `CreatePlatformEndpoint` on the platform's application; the same token answers the same
   * endpoint (re-enabled if SNS had disabled it). Undefined when the platform has no application here.
   */
  createEndpoint(platform: PushPlatform, deviceToken: string): Promise<string | undefined>;
}

/** What a push to an offline citizen says: a title, a line, and the ids the app opens on tap. */
export interface PushNotice {
  title: string;
  text: string;
  data: Record<string, string>;
}

/** Mobile push to one device endpoint. */
export interface PushSender {
  /** `gone`: SNS disabled or deleted the endpoint (the app was removed): forget the device. Throws otherwise. */
  push(endpointArn: string, notice: PushNotice): Promise<'sent' | 'gone'>;
}

/** Where a verified citizen who opted in to SMS can be reached; undefined when they did not. */
export interface SmsContactReader {
  smsPhoneOf(citizenId: string): Promise<string | undefined>;
}

/** Internal notes of conversations (`operator.note`, transfers): never shown to citizens. */
export interface NoteRepository {
  add(note: InternalNote & { expiresAt: number }): Promise<void>;
  /** Every live note of the conversation, oldest first. */
  list(conversationId: string): Promise<InternalNote[]>;
}

/** At most one relay per key and interval (typing indicators). */
export interface RelayThrottle {
  /** True when `key` may relay now (and claims the interval); false while an earlier claim holds. */
  claim(key: string, intervalMs: number, now: Date): Promise<boolean>;
}
