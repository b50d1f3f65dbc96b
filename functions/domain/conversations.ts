/**
 * Conversations: who they belong to, whether they are still open, and the per-conversation
 * counter that gives every message its gap-free `seq`.
 *
 * Seq allocation rule: a writer reads `lastSeq = n` and commits its message as `n + 1` together with
 * `lastSeq = n + 1` on the condition that `lastSeq` is still `n`. A writer that loses the race
 * stores nothing and starts over with a fresh read, so no number is ever skipped or taken twice.
 */
import type { FollowUps } from '#events/follow-ups.ts';
import type { Lang } from '#events/lang.ts';
import type { ConversationState } from '#events/server-frames.ts';
import type { EscalationRecord, IntakeProgress } from './escalations.ts';

export interface Conversation {
  conversationId: string;
  sessionId: string;
  state: ConversationState;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
  citizenId?: string;
  /** The bot's memory of this conversation, updated with each reply. */
  lastBotIntent?: string;
  consecutiveFallbacks?: number;
  /** The intake the bot is collecting before a handover: the citizen's messages answer it. */
  intake?: IntakeProgress;
  /** Set when the conversation was queued for a person: the escalation, with its intake. */
  escalation?: EscalationRecord;
  /** The operator queue it was escalated to. */
  category?: string;
  /** Set by the assignment while an operator has it (state `operator`): who, shown how, since when. */
  operatorId?: string;
  operatorName?: string;
  assignedAt?: string;
  /** The ticket its escalation opened. */
  ticketId?: string;
  /** When an operator first answered the citizen (the ticket's first human response; `operator.reply`). */
  firstOperatorReplyAt?: string;
  /** The ticket's readable number (`GU-…`), shown to the citizen with the queue position. */
  ticketNumber?: string;
  /**
   * Set by the assignment while the conversation waits for an operator (state `queued`): the operator
   * queue, when it started waiting (the queue's order, kept when it is put back to the front), and the
   * id of this stay in the queue (its SQS message and timers name it; any other is stale). `queue`
   * is removed on assignment, so only waiting conversations are in the `byQueueLine` index.
   */
  queue?: string;
  queuedAt?: string;
  queueEntryId?: string;
  /** The queue the operator took it from: where it goes back if they disconnect for good. */
  assignedQueue?: string;
  /** The escalation attempt the assignment took in (idempotency of the escalation consumer). */
  dispatchedAttempt?: number;
  /**
   * When a stay in a category queue last waited past SLA_ASSIGN_SECONDS (docs/requirements.md#sla),
   * and which stay (queue entry) that was: each entry breaches at most once.
   */
  slaBreachedAt?: string;
  slaBreachedEntryId?: string;
  /**
   * The stay whose breach `SlaBreaches` counted: set by the one caller whose conditional write
   * claims the count (`countBreach`), so a breach recorded is counted once whoever finds it first.
   */
  slaBreachCountedEntryId?: string;
  /**
   * The acceptance (its `acceptedAt`) whose first-reply check was made: a missed first reply is
   * counted once per acceptance, by the timer or by the reconciler that does its work late.
   */
  firstReplyCheckedFor?: string;
  /**
   * When the accept window of the current assignment ends (its accept timer's due, ACCEPT_SECONDS
   * after the frame went out), recorded as its announcement is cleared: the reconciler counts from
   * it, not from `assignedAt`, so an announcement made late does not shorten the window.
   */
  acceptDueAt?: string;
  /**
   * When its operator accepted it (`conversation.accept`, or their first reply): only then is the
   * citizen told "operator". Removed whenever it leaves the operator, so each assignment is accepted anew.
   */
  acceptedAt?: string;
  /** When an operator last replied: the first-reply timer's measure. */
  lastOperatorReplyAt?: string;
  /** When the current queue entry (`queueEntryId`) was made: its SLA timer is due SLA_ASSIGN_SECONDS later. */
  queueEnteredAt?: string;
  /**
   * The ledger (docs/architecture.md, "The ledger"): what must follow the last change of the waiting
   * line, written in its transaction and removed once performed; `followUpsAt` is when it was written.
   */
  followUps?: FollowUps;
  followUpsAt?: string;
  /**
   * A guest's question that needs identification (the status of their applications), answered as
   * soon as the session is identified, once, while it is live. Written and removed by the bot's
   * turns, in their own update of the conversation.
   */
  pendingQuestion?: PendingQuestion;
}

/** The citizen message the bot answers again once the session is identified. */
export interface PendingQuestion {
  conversationId: string;
  messageId: string;
  seq: number;
  lang: Lang;
  /** Epoch seconds: after this, identifying answers nothing (the question is old news). */
  expiresAt: number;
}

/** The pending question still to answer at `now`, if any. */
export function livePendingQuestion(
  holder: { pendingQuestion?: PendingQuestion },
  now: Date,
): PendingQuestion | undefined {
  const pending = holder.pendingQuestion;
  return pending && pending.expiresAt * 1000 > now.getTime() ? pending : undefined;
}

export function isOpen(conversation: Conversation): boolean {
  return conversation.state !== 'closed';
}

export function isWithBot(conversation: Conversation): boolean {
  return conversation.state === 'bot';
}

export function nextSeq(conversation: Pick<Conversation, 'lastSeq'>): number {
  return conversation.lastSeq + 1;
}

export interface NewConversation {
  conversationId: string;
  sessionId: string;
  /** The session's citizen when it is verified: the conversation is theirs from the start. */
  citizenId?: string | undefined;
  now: Date;
  expiresAt: number;
}

/** A conversation starts with the bot and holds no message yet. */
function startConversation(input: NewConversation): Conversation {
  const at = input.now.toISOString();
  return {
    conversationId: input.conversationId,
    sessionId: input.sessionId,
    state: 'bot',
    lastSeq: 0,
    createdAt: at,
    updatedAt: at,
    expiresAt: input.expiresAt,
    ...(input.citizenId === undefined ? {} : { citizenId: input.citizenId }),
  };
}

export function belongsToSession(conversation: Conversation, sessionId: string): boolean {
  return conversation.sessionId === sessionId;
}

/** Where a citizen's next message goes: an open conversation, or a new one that replaces `openId`. */
export interface ConversationTarget {
  conversation: Conversation;
  isNew: boolean;
  replacesConversationId?: string;
}

/** A new conversation with the bot for the session, replacing its previous open one if any. */
export function newConversationTarget(
  input: NewConversation & { replacing: string | undefined },
): ConversationTarget {
  const { replacing, ...conversation } = input;
  return {
    conversation: startConversation(conversation),
    isNew: true,
    ...(replacing === undefined ? {} : { replacesConversationId: replacing }),
  };
}
