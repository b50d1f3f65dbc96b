/**
 * The ports of delivery over the WebSocket: pushing frames to a connection (`@connections`) and
 * throttling relays such as typing indicators.
 */
import type { AttachmentReadyFrame, AttachmentRejectedFrame } from '#events/attachments.ts';
import type { TypingEventFrame } from '#events/desk-frames.ts';
import type {
  ConversationAssignedFrame,
  ConversationCitizenFrame,
  OperatorStateFrame,
  QueueStatsFrame,
} from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame, MessageAckFrame, MessageFrame } from '#events/server-frames.ts';
import type { ConnectionClosedFrame, SessionEndedFrame } from '#events/session-frames.ts';
import type { FeedbackRequestFrame, TicketUpdatedFrame } from '#events/tickets.ts';

export type DeliveryOutcome = 'delivered' | 'gone' | 'failed';

/**
 * Frames pushed to a connection, outside any request/response; and `message.ack`, which
 * `message.send` answers through `@connections` before the bot's turn (`RouteInput.answerNow`).
 */
export type PushedFrame =
  | MessageAckFrame
  | AttachmentReadyFrame
  | AttachmentRejectedFrame
  | MessageFrame
  | ConversationUpdatedFrame
  | TypingEventFrame
  | TicketUpdatedFrame
  | FeedbackRequestFrame
  | ConversationAssignedFrame
  | ConversationCitizenFrame
  | OperatorStateFrame
  | QueueStatsFrame
  | ConnectionClosedFrame
  | SessionEndedFrame;

export interface ConnectionNotifier {
  /** Never throws: a failure is an outcome, each call bounded by its own deadline. */
  post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome>;
}

/** Closing a connection from the server (`DeleteConnection` on `@connections`; the client sees code 1000). */
export interface ConnectionCloser {
  /** Never throws: `gone` when the connection was closed already. */
  close(connectionId: string): Promise<DeliveryOutcome>;
}

/** At most one relay per key and interval (typing indicators). */
export interface RelayThrottle {
  /** True when `key` may relay now (and claims the interval); false while an earlier claim holds. */
  claim(key: string, intervalMs: number, now: Date): Promise<boolean>;
}
