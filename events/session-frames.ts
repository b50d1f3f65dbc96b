/**
 * Frames of a session's end and of connections the server closes (docs/protocol.md, "Signing out"
 * and "Connections the server closes"): `session.end`, its answer `session.ended`, and
 * `connection.closed`, the last frame before the server closes a connection.
 */
import { frameEnvelopeSchema } from './client-frames.ts';
import * as z from './zod.ts';

/** Sign out: the session's resume tokens and push devices are revoked, its connections closed. */
export const sessionEndFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('session.end'),
});
export type SessionEndFrame = z.infer<typeof sessionEndFrameSchema>;

/** The answer of `session.end`, the last frame on the connection that sent it. */
export interface SessionEndedFrame {
  type: 'session.ended';
  requestId?: string;
  sessionId: string;
}

/**
 * Why the server closes a connection: `identified` — the session was identified on another of its
 * connections, reconnect with the token that connection got; `session_ended` — the session was
 * signed out on another connection, drop its token.
 */
export const CONNECTION_CLOSE_REASONS = ['identified', 'session_ended'] as const;
export type ConnectionCloseReason = (typeof CONNECTION_CLOSE_REASONS)[number];

/** Pushed just before the server closes the connection (close code 1000, API Gateway's `DeleteConnection`). */
export interface ConnectionClosedFrame {
  type: 'connection.closed';
  sessionId: string;
  reason: ConnectionCloseReason;
}
