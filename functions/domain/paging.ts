/**
 * Paging (`ticket.list`, `history.get`; docs/protocol.md "Paging"): whose cursor it is, opening one
 * a client sent back, and the size budget that keeps every answer within one WebSocket frame.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type * as z from '#events/zod.ts';
import { badRequest } from './errors.ts';
import type { CursorScope, PagingCursors } from './ports/paging.ts';

/**
 * What a page may take of its frame: API Gateway refuses a frame over 128 KB; the rest is room for
 * the envelope and the cursor.
 */
export const PAGE_BUDGET_BYTES = 100 * 1024;

/** The JSON size of `value` in bytes, as it travels in a frame. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * The scope of a cursor of `list` for `caller`: a verified citizen's by citizen id (their other
 * devices may go on with it), a guest's by session, staff's by their own id.
 */
export function cursorScope(list: string, caller: Caller): CursorScope {
  const staff = caller.role === 'operator' || caller.role === 'senior';
  const who = staff
    ? `staff:${caller.principalId}`
    : caller.citizenId === undefined
      ? `session:${caller.sessionId}`
      : `citizen:${caller.citizenId}`;
  return { list, caller: who };
}

/** The position `cursor` carries for `scope`; BAD_REQUEST (`cursor`) when it is not a cursor of theirs. */
export async function openCursor<T>(
  cursors: PagingCursors,
  scope: CursorScope,
  cursor: string,
  schema: z.ZodMiniType<T>,
): Promise<T> {
  const position = schema.safeParse(await cursors.open(scope, cursor));
  if (!position.success) {
    throw badRequest([{ field: 'cursor', problem: 'not a cursor of this list and caller, or expired' }]);
  }
  return position.data;
}
