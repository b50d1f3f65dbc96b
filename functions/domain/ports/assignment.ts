/**
 * The ports of assignment (docs/requirements.md#escalation, docs/requirements.md#sla): the exactly-once store, the waiting line, the operator
 * queues, and what assignment needs from tickets and citizens. Adapters implement them
 * (`functions/adapters/dynamodb/assignment-store.ts`, `waiting-line.ts`, `functions/adapters/operator-queues.ts`,
 * `functions/adapters/assignment-tickets.ts`); the assignment use cases
 * (`use-cases/assign-conversations.ts`, `announce-assignments.ts`, `places-in-line.ts` and those
 * they serve) use them.
 */
import type { FollowUps } from '#events/follow-ups.ts';
import type { Lang } from '#events/lang.ts';
import type { AssignedCitizen } from '#events/operator-frames.ts';
import type { QueueEntry } from '#events/queue-entry.ts';
import type { TicketView } from '#events/tickets.ts';
import type { Conversation } from '../conversations.ts';
import type { OperatorQueueName } from '../operator-roster.ts';
import type { Ticket } from '../tickets.ts';
import type { OpenTicketInput } from '../use-cases/open-ticket.ts';

/** Who takes a conversation, as the assignment stores it. */
export interface Assignee {
  operatorId: string;
  displayName: string;
}

export type AssignOutcome =
  /** Committed: the conversation is the operator's, their activeChats went up by one. */
  | { status: 'assigned'; conversation: Conversation }
  /** The entry no longer waits (assigned, moved, closed): its message can go. */
  | { status: 'stale' }
  /** The operator is not online or has no free slot: the entry waits on. */
  | { status: 'operator_full' }
  /** Another transaction touched the same items: try again later. */
  | { status: 'contended' };

/** Where a conversation goes next when it leaves an operator or a queue. */
export interface QueuePlacement {
  queue: OperatorQueueName;
  entryId: string;
  /** The waiting line's order: the original time keeps a conversation at the front. */
  queuedAt: string;
  now: Date;
  /** What must follow (the entry, its SLA timer, the signals): written in the same transaction (the ledger). */
  followUps: FollowUps;
}

/** Where a move comes from, and what it records. */
export interface PlacementSource {
  fromOperatorId?: string;
  /** From `queued`: only if it still waits in this entry (a second copy of a timer moves nothing). */
  fromEntryId?: string;
  slaBreachedAt?: string;
  /** Only if still unaccepted, and still the assignment made at this time (an accept timer's move). */
  unacceptedAssignedAt?: string;
}

export type MoveOutcome =
  | { status: 'moved'; conversation: Conversation; releasedOperatorId?: string }
  | { status: 'not_movable' };

/**
 * The exactly-once writes of assignment: each is one DynamoDB transaction over the conversation and
 * the operator (docs/architecture.md, "Assignment").
 */
export interface AssignmentStore {
  /**
   * Conversation `queued` in `entry.queue` with `queueEntryId = entry.entryId` and no operator →
   * `operator`; operator `online`, connected (no pending disconnect), with a presence lease running
   * past `now` and `activeChats < maxChats` → +1, the conversation in its set. The announcement is
   * written as the conversation's follow-up in the same transaction (the ledger), cleared once told.
   */
  assign(entry: QueueEntry, assignee: Assignee, now: Date): Promise<AssignOutcome>;
  /**
   * Stamps `acceptedAt` on a conversation with this operator that was not accepted yet; the stored
   * conversation, or undefined when it is not (or no longer) theirs, or already accepted.
   */
  accept(conversationId: string, operatorId: string, now: Date): Promise<Conversation | undefined>;
  /**
   * Marks the first-reply check of the acceptance made at `acceptedAt` done (`firstReplyCheckedFor`),
   * only while that acceptance stands and its check was not made: true for exactly one caller (the
   * first-reply timer, a second copy of it, or the reconciler doing its work late).
   */
  markFirstReplyChecked(conversationId: string, acceptedAt: string): Promise<boolean>;
  /**
   * Frees the operator's slot held by the conversation: −1 and out of the set, only if it is in
   * the set (so twice is once). False when it was not held (already released).
   */
  release(conversationId: string, operatorId: string): Promise<boolean>;
  /**
   * Puts a waiting or assigned conversation into `placement.queue` as a new entry. From `queued`
   * (any other entry); or from `operator` when `fromOperatorId` holds it, releasing that slot in
   * the same transaction. Anything else (closed, another operator's) is `not_movable`.
   */
  place(conversationId: string, placement: QueuePlacement, from: PlacementSource): Promise<MoveOutcome>;
  /**
   * The escalation's first entry: from `queued` with no admitted attempt below `attempt`, the
   * ticket and queue fields and the placement's follow-ups. Returns the conversation as stored (also
   * when a redelivery finds it done).
   */
  admit(
    conversationId: string,
    attempt: number,
    fields: { ticketId: string; ticketNumber: string; placement: QueuePlacement },
  ): Promise<Conversation | undefined>;
  /** Conversations an operator holds now (state `operator`, their id), for a grace expiry. */
  heldBy(operatorId: string): Promise<Conversation[]>;
}

/** A conversation waiting in a queue, as the `byQueueLine` index lists it. */
export interface WaitingConversation {
  conversationId: string;
  sessionId: string;
  queuedAt: string;
  ticketId?: string;
  ticketNumber?: string;
}

/** The waiting line of each queue, from the `byQueueLine` index (oldest first). */
export interface WaitingLine {
  /** The first `limit` waiting, oldest first. */
  first(queue: OperatorQueueName, limit: number): Promise<WaitingConversation[]>;
  /** How many wait, and since when the oldest. */
  stat(queue: OperatorQueueName): Promise<{ waiting: number; oldestQueuedAt?: string }>;
  /** 1 + how many wait ahead of a conversation queued at `queuedAt`. */
  position(queue: OperatorQueueName, queuedAt: string, conversationId: string): Promise<number>;
}

export interface ReceivedEntry {
  entry: QueueEntry;
  /** SQS receipt handle: only the receiver may delete or give back the message. */
  receipt: string;
}

/** The SQS operator queues: a message per waiting conversation, deleted once it is assigned. */
export interface OperatorQueues {
  /**
   * Puts the entry on its queue, or on `into` (a breached entry's copy in the senior queue: the same
   * entry, so whichever copy is taken first wins and the other is stale). Safe to repeat for the
   * same entry and queue (FIFO deduplication by entryId).
   */
  put(entry: QueueEntry, into?: OperatorQueueName): Promise<void>;
  /**
   * Up to `max` entries, hidden from other assigning functions for `visibilitySeconds`. `patient`: wait up to
   * a second for one (a receive that does not wait may miss messages that exist); an impatient
   * receive answers at once.
   */
  receive(
    queue: OperatorQueueName,
    max: number,
    visibilitySeconds: number,
    patient?: boolean,
  ): Promise<ReceivedEntry[]>;
  remove(queue: OperatorQueueName, receipt: string): Promise<void>;
  /** Visible again at once: another assigning function (or this one, later) may take it. */
  giveBack(queue: OperatorQueueName, receipt: string): Promise<void>;
}

/** What the escalation consumer hands tickets: exactly the input of the `openTicket` use case. */
export type TicketOpening = OpenTicketInput;

/** What assignment needs from tickets (the ticket use cases behind an adapter). */
export interface AssignmentTickets {
  /** Idempotent on (conversationId, attempt): the same ticket every time. */
  open(opening: TicketOpening): Promise<{ ticketId: string; number: string }>;
  /** The ticket as staff in `lang` see it (`ticketView`'s `staff`: with the request and staff notes). */
  view(ticketId: string, lang: Lang): Promise<TicketView | undefined>;
  /**
   * `received → in_progress` by the operator who took it, with `staffNote` in the history (an SLA
   * breach says so there, for staff and the audit: the citizen's view leaves it out), pushing `ticket.updated` to the citizen. A ticket already past `received` (taken
   * again after a transfer or a disconnect) is left as it is. Answers the ticket as it stands after
   * (the operator's frame shows it without reading it again); undefined when there is none.
   */
  startWork(
    ticketId: string,
    actor: { kind: 'operator' | 'senior'; id: string },
    staffNote?: string,
  ): Promise<Ticket | undefined>;
}

/** What the citizen's side of an assignment shows an operator. */
export interface CitizenDirectory {
  describe(sessionId: string): Promise<AssignedCitizen>;
}

/** Assignment metrics (EMF): docs/requirements.md#sla's time to assignment and SLA breaches. */
export interface AssignmentMetrics {
  assigned(queue: OperatorQueueName, waitedMs: number): void;
  slaBreached(queue: OperatorQueueName): void;
  /** An assignment its operator did not accept within ACCEPT_SECONDS (`MissedAssignments`). */
  missedAssignment(queue: OperatorQueueName): void;
  /** An accepted conversation without an operator reply within FIRST_REPLY_SECONDS (`MissedFirstReplies`). */
  missedFirstReply(queue: OperatorQueueName): void;
  /** A step after a committed assignment failed (the assignment stands): logged for on-call. */
  announcementFailed(step: string, conversationId: string, error: unknown): void;
}
