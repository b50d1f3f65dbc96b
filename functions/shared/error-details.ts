/** A zod error as the protocol's `details` (docs/protocol.md, "Errors"), for every boundary that parses with zod. */
import type { ErrorDetail } from '#events/server-frames.ts';
import type * as z from '#events/zod.ts';

/**
 * A zod error as the protocol's `details`: one {field, problem} per issue; an issue of the whole
 * input names `whole` (`frame` for a WebSocket frame, `body` for an HTTP request's).
 */
export function toDetails(error: z.core.$ZodError, whole = 'frame'): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : whole,
    problem: issue.message,
  }));
}
