/**
 * The one place where failures become PROTOCOL `error` frames. A `ChatError` keeps its code and
 * fields; anything else is INTERNAL with a fixed message, so no internal text reaches a client.
 */

import { errorMessage } from '#domain/error-messages.ts';
import { ChatError } from '#domain/errors.ts';
import type { Lang } from '#events/lang.ts';
import type { ErrorFrame } from '#events/server-frames.ts';

export function toErrorFrame(error: unknown, lang: Lang, requestId: string | undefined): ErrorFrame {
  const code = error instanceof ChatError ? error.code : 'INTERNAL';
  const frame: ErrorFrame = {
    type: 'error',
    ...(requestId === undefined ? {} : { requestId }),
    code,
    message: errorMessage(code, lang),
  };
  if (error instanceof ChatError) {
    if (error.details?.length) frame.details = error.details;
    if (error.retryAfter !== undefined) frame.retryAfter = error.retryAfter;
    if (error.attemptsLeft !== undefined) frame.attemptsLeft = error.attemptsLeft;
  }
  return frame;
}
