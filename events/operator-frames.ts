/**
 * Frames of assignment (docs/protocol.md, operator actions): an operator's availability (`operator.status`
 * → `operator.state`), taking the next conversation by hand (`operator.next` →
 * `conversation.assigned` or `queue.empty`), presence (`operator.heartbeat`), accepting an
 * assignment (`conversation.accept` → `conversation.accepted`), the queues at a glance (`queue.stats`), and what the
 * assignment pushes: `conversation.assigned` to the operator, `queue.stats` to online operators.
 * Client frames are zod schemas each route parses once; server frames are in wire order.
 */
import type { ChatMessage } from './chat-message.ts';
import { frameEnvelopeSchema } from './client-frames.ts';
import type { InternalNote } from './desk-frames.ts';
import type { CollectedIntake } from './escalation.ts';
import type { Lang } from './lang.ts';
import { operatorQueueNameSchema } from './queue-entry.ts';
import type { TicketView } from './tickets.ts';
import * as z from './zod.ts';

export const operatorStatusFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.status'),
  status: z.enum(['online', 'away', 'offline']),
  /** The queues to serve; omitted: what was set before (first time: every category, seniors also `senior`). */
  skills: z.optional(z.array(operatorQueueNameSchema).check(z.minLength(1), z.maxLength(7))),
  /** Chats at once; omitted: what was set before (first time: OPERATOR_MAX_CHATS). */
  maxChats: z.optional(z.int().check(z.gte(1), z.lte(20))),
});

export const operatorNextFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.next'),
});

/** The console is alive: renews the presence lease (send it at least every 20 s). */
export const operatorHeartbeatFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.heartbeat'),
});

/** The operator takes the conversation `conversation.assigned` offered them. */
export const conversationAcceptFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('conversation.accept'),
  conversationId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const queueStatsFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('queue.stats'),
});

export interface OperatorStateFrame {
  type: 'operator.state';
  requestId?: string;
  status: 'online' | 'away' | 'offline';
  skills: string[];
  maxChats: number;
  activeChats: number;
}

/** The answer of `operator.heartbeat`: the operator's status as stored, and until when they count as present. */
export interface OperatorHeartbeatFrame {
  type: 'operator.heartbeat';
  requestId?: string;
  status: 'online' | 'away' | 'offline';
  leaseUntil: string;
  /** (An extension.) On line or away: the skills and the chat limit as stored. */
  skills?: string[];
  maxChats?: number;
}

/** The answer of `conversation.accept`: the conversation is the caller's, and the citizen is told. */
export interface ConversationAcceptedFrame {
  type: 'conversation.accepted';
  requestId?: string;
  conversationId: string;
  acceptedAt: string;
}

/** The conversation as the operator's console needs it (no session id, no citizen id). */
export interface AssignedConversation {
  conversationId: string;
  state: 'operator';
  lang: Lang;
  /** The queue it was taken from (a category or `senior`). */
  queue: string;
  category?: string;
  /** Why the bot handed over, and the intent it recognised. */
  reason?: string;
  intent?: string;
  createdAt: string;
  queuedAt?: string;
  assignedAt: string;
  /** True when it waited past the SLA before a person took it. */
  slaBreached?: boolean;
  /**
   * An offer not accepted yet: until when `conversation.accept` takes it (the server's clock,
   * ACCEPT_SECONDS from when the frame went out). Past it the conversation has gone back to its queue
   * and the accept is refused: a frame that arrives after it is an offer that expired in transit.
   * Absent once accepted (a reconnect's announcement again) and when the window is not known.
   */
  acceptBy?: string;
}

export interface ConversationAssignedFrame {
  type: 'conversation.assigned';
  requestId?: string;
  conversation: AssignedConversation;
  ticket: TicketView | null;
  intake: CollectedIntake | null;
  /**
   * Every message of the conversation, oldest first — or, when they would not fit in one WebSocket
   * frame, the newest that do, and `transcriptFromSeq` says where they start: the console reads the
   * earlier ones with `history.get`.
   */
  transcript: ChatMessage[];
  /** Set only when the transcript leaves out the messages before this seq (frame size). */
  transcriptFromSeq?: number;
  /**
   * The conversation's internal notes (`operator.note`, transfer reasons), oldest first: for
   * operators only, never in a citizen's history.
   */
  notes?: InternalNote[];
  /** Set only when the oldest notes were left out to fit the frame: how many. */
  notesOmitted?: number;
  citizen: AssignedCitizen;
}

/**
 * The citizen as an operator sees them: verified or not, the masked phone of a session verified by
 * phone, and (an extension) `tickets`: their tickets, newest first, at most
 * {@link CITIZEN_TICKETS_SHOWN} — this conversation's among them — so the operator sees what else
 * they asked. Nothing personal beyond the masked phone.
 */
export interface AssignedCitizen {
  verified: boolean;
  maskedPhone?: string;
  tickets?: CitizenTicketSummary[];
}

/**
 * (An extension.) The citizen of a conversation an operator holds identified meanwhile
 * (`auth.verifyCode`): their card anew, as `conversation.assigned` would draw it now — verified, the
 * masked phone of a phone identification, their tickets (portal ones filed under the proven contact
 * among them). To each connection of the operator who holds the conversation.
 */
export interface ConversationCitizenFrame {
  type: 'conversation.citizen';
  conversationId: string;
  citizen: AssignedCitizen;
}

/** One of the citizen's tickets on the operator's card: the console labels the status in its language. */
export interface CitizenTicketSummary {
  ticketId: string;
  number: string;
  status: TicketView['status'];
  createdAt: string;
}

/** How many of the citizen's tickets `conversation.assigned` carries. */
export const CITIZEN_TICKETS_SHOWN = 10;

export interface QueueEmptyFrame {
  type: 'queue.empty';
  requestId?: string;
}

export interface QueueStat {
  waiting: number;
  /** How long the first in line has waited; 0 when nobody waits. */
  oldestSeconds: number;
}

export interface QueueStatsFrame {
  type: 'queue.stats';
  requestId?: string;
  byQueue: Record<string, QueueStat>;
}
