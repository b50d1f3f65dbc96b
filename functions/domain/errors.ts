/**
 * Errors as values with the codes of docs/protocol.md. The domain throws a `ChatError`; one place, the
 * WebSocket middleware, turns it into an `error` frame. Anything that is not a `ChatError` is an
 * internal failure and reaches the client only as `INTERNAL`.
 */
import type { ErrorCode, ErrorDetail } from '#events/server-frames.ts';

export interface ChatErrorOptions {
  details?: ErrorDetail[];
  retryAfter?: number;
  attemptsLeft?: number;
  cause?: unknown;
}

export class ChatError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfter: number | undefined;
  readonly attemptsLeft: number | undefined;

  constructor(code: ErrorCode, options: ChatErrorOptions = {}) {
    // The message is the code only: client-facing text is localised at the edge, and nothing
    // internal should travel inside a value that may be logged or returned.
    super(code, { cause: options.cause });
    this.name = 'ChatError';
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
    this.attemptsLeft = options.attemptsLeft;
  }
}

export function badRequest(details: ErrorDetail[]): ChatError {
  return new ChatError('BAD_REQUEST', { details });
}
