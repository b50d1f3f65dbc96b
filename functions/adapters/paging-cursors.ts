/**
 * Paging cursors sealed with HMAC-SHA256 under the cursor key (`functions/domain/ports/paging.ts`):
 * `base64url(JSON {position, expiry}) . base64url(HMAC(scope, payload))`. The scope (the list and
 * the caller) is in the MAC, not in the cursor: a cursor opened for another caller or list fails
 * its MAC, as does a changed byte. The position is readable by whoever holds the cursor (it is
 * only a sort key the caller already saw), never trusted unless the MAC holds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CursorScope, PagingCursors } from '#domain/ports/paging.ts';
import type { Clock } from '#domain/ports/system.ts';
import type { KeySource } from './secret-keys.ts';

/** A cursor is for the next page now, not a bookmark: it expires after a day. */
const CURSOR_TTL_SECONDS = 24 * 60 * 60;
/** Longer input is not a cursor of ours; refused before any work. */
export const MAX_CURSOR_LENGTH = 1024;

export class HmacPagingCursors implements PagingCursors {
  constructor(
    private readonly key: KeySource,
    private readonly clock: Clock,
  ) {}

  async seal(scope: CursorScope, position: unknown): Promise<string> {
    const expiry = Math.floor(this.clock.now().getTime() / 1000) + CURSOR_TTL_SECONDS;
    const payload = Buffer.from(JSON.stringify({ p: position, e: expiry }), 'utf8').toString('base64url');
    return `${payload}.${await this.mac(scope, payload)}`;
  }

  async open(scope: CursorScope, cursor: string): Promise<unknown> {
    if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
    const [payload, mac, ...rest] = cursor.split('.');
    if (payload === undefined || mac === undefined || rest.length > 0) return undefined;
    // Compared as written, not as decoded: base64url's last character has bits no byte keeps,
    // and a cursor is valid only exactly as it was handed out.
    const expected = Buffer.from(await this.mac(scope, payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const { p, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        p: unknown;
        e: number;
      };
      return typeof e === 'number' && e * 1000 > this.clock.now().getTime() ? p : undefined;
    } catch {
      return undefined;
    }
  }

  private async mac(scope: CursorScope, payload: string): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(`cursor\u0000${scope.list}\u0000${scope.caller}\u0000${payload}`, 'utf8')
      .digest('base64url');
  }
}
