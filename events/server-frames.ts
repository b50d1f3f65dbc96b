/**
 * Server → client frames of docs/protocol.md v1 implemented so far. Field order here is the order on
 * the wire: a repeated `message.send` must answer a byte-identical ack.
 */

import type {
  AttachmentDownloadFrame,
  AttachmentReadyFrame,
  AttachmentRejectedFrame,
  AttachmentUploadFrame,
} from './attachments.ts';
import type { ChatMessage, Suggestion } from './chat-message.ts';
import type {
  CannedFrame,
  ConversationTransferredFrame,
  NoteAckFrame,
  PushRegisteredFrame,
  TypingEventFrame,
} from './desk-frames.ts';
import type { AuthCodeSentFrame, AuthVerifiedFrame } from './identification.ts';
import type { Lang } from './lang.ts';
import type { MfcAnswerFrame } from './mfc-frames.ts';
import type {
  ConversationAcceptedFrame,
  ConversationAssignedFrame,
  ConversationCitizenFrame,
  OperatorHeartbeatFrame,
  OperatorStateFrame,
  QueueEmptyFrame,
  QueueStatsFrame,
} from './operator-frames.ts';
import type { ConnectionClosedFrame, SessionEndedFrame } from './session-frames.ts';
import type {
  FeedbackAckFrame,
  FeedbackRequestFrame,
  TicketFrame,
  TicketsFrame,
  TicketUpdatedFrame,
} from './tickets.ts';
import type { TranscriptDownloadFrame } from './transcripts.ts';

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_ACTION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'LOCKED',
  'INVALID_CODE',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
  // MFC visits (docs/protocol.md, "MFC offices and visits"): this backend's extensions.
  'SLOT_FULL',
  'VISIT_LIMIT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ConversationState = 'bot' | 'queued' | 'operator' | 'closed';

export interface WelcomeFrame {
  type: 'welcome';
  requestId?: string;
  sessionId: string;
  verified: boolean;
  lang: Lang;
  conversationId: string | null;
  /**
   * Where the open conversation stands, as its last `conversation.updated` said (without the place
   * in line, which the next line tick tells): so a client that reloads shows it at once. Absent
   * when there is no open conversation.
   */
  conversation?: WelcomeConversation;
  /**
   * A fresh token to reconnect to this session with (`?token=`); null only when the session is
   * gone. A secret: never logged.
   */
  resumeToken: string | null;
}

export interface WelcomeConversation {
  state: Exclude<ConversationState, 'closed'>;
  ticket?: { ticketId: string; number: string };
  operator?: { displayName: string };
}

export interface MessageAckFrame {
  type: 'message.ack';
  requestId?: string;
  clientMessageId: string;
  messageId: string;
  conversationId: string;
  seq: number;
  ts: string;
}

export interface MessageFrame extends ChatMessage {
  type: 'message';
}

export interface HistoryFrame {
  type: 'history';
  requestId?: string;
  conversationId: string;
  messages: ChatMessage[];
  hasMore: boolean;
  /** With `hasMore`: send `history.get` again with this as `cursor` for the next page (extension). */
  nextCursor?: string;
}

/** Up to 3 intents for the prefix of a `suggest` frame; empty when the prefix says nothing yet. */
export interface SuggestionsFrame {
  type: 'suggestions';
  requestId?: string;
  items: Suggestion[];
}

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `text` or `attachmentIds.0`. */
  field: string;
  problem: string;
}

export interface ErrorFrame {
  type: 'error';
  requestId?: string;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  retryAfter?: number;
  attemptsLeft?: number;
}

export interface ConversationUpdatedFrame {
  type: 'conversation.updated';
  requestId?: string;
  conversationId: string;
  state: ConversationState;
  queuePosition?: number;
  etaSeconds?: number;
  ticket?: { ticketId: string; number: string };
  operator?: { displayName: string };
  /** With state `closed`, to the operator who held it: the citizen's data was erased at their request. */
  reason?: 'erased';
}

export type ServerFrame =
  | TranscriptDownloadFrame
  | AttachmentUploadFrame
  | AttachmentDownloadFrame
  | AttachmentReadyFrame
  | AttachmentRejectedFrame
  | OperatorStateFrame
  | ConversationAssignedFrame
  | ConversationCitizenFrame
  | ConversationAcceptedFrame
  | OperatorHeartbeatFrame
  | QueueEmptyFrame
  | QueueStatsFrame
  | TicketFrame
  | TicketsFrame
  | TicketUpdatedFrame
  | FeedbackRequestFrame
  | FeedbackAckFrame
  | AuthCodeSentFrame
  | AuthVerifiedFrame
  | NoteAckFrame
  | ConversationTransferredFrame
  | CannedFrame
  | TypingEventFrame
  | PushRegisteredFrame
  | WelcomeFrame
  | MessageAckFrame
  | MessageFrame
  | HistoryFrame
  | SuggestionsFrame
  | ErrorFrame
  | ConversationUpdatedFrame
  | SessionEndedFrame
  | ConnectionClosedFrame
  | MfcAnswerFrame;

/** A frame a route answers with, before the transport adds the echoed `requestId`. */
export type RouteAnswer = Exclude<ServerFrame, MessageFrame>;
