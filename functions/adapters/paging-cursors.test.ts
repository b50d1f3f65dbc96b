import { describe, expect, it } from 'vitest';
import { HmacPagingCursors } from './paging-cursors.ts';

const key = async () => new TextEncoder().encode('a-paging-cursor-key-of-32-characters!');
const clockAt = (ms: number) => ({ now: () => new Date(ms) });
const scope = { list: 'ticket.list:any', caller: 'citizen:c-1' };

describe('paging cursors', () => {
  it('opens a cursor for the scope it was sealed for, within a day', async () => {
    const cursors = new HmacPagingCursors(key, clockAt(0));
    const cursor = await cursors.seal(scope, { createdAt: '2026-12-02T10:00:00Z', ticketId: 't-1' });

    expect(await cursors.open(scope, cursor)).toEqual({ createdAt: '2026-12-02T10:00:00Z', ticketId: 't-1' });
    expect(await new HmacPagingCursors(key, clockAt(86_401_000)).open(scope, cursor)).toBeUndefined();
  });

  it('refuses a changed position, another caller, another list and another key', async () => {
    const cursors = new HmacPagingCursors(key, clockAt(0));
    const cursor = await cursors.seal(scope, { afterSeq: 10 });
    const [payload, mac] = cursor.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ p: { afterSeq: 0 }, e: 86_400 })).toString('base64url')}.${mac}`;
    const otherKey = new HmacPagingCursors(async () => new TextEncoder().encode('b'.repeat(32)), clockAt(0));

    expect(await cursors.open(scope, forged)).toBeUndefined();
    expect(await cursors.open({ ...scope, caller: 'citizen:c-2' }, cursor)).toBeUndefined();
    expect(await cursors.open({ ...scope, list: 'ticket.list:received' }, cursor)).toBeUndefined();
    expect(await otherKey.open(scope, cursor)).toBeUndefined();
    expect(await cursors.open(scope, `${payload}.`)).toBeUndefined();
    // The MAC's last character carries 2 bits no byte keeps: a changed one is refused all the same.
    const last = mac.at(-1) === 'A' ? 'B' : String.fromCharCode((mac.at(-1) as string).charCodeAt(0) ^ 1);
    expect(await cursors.open(scope, `${payload}.${mac.slice(0, -1)}${last}`)).toBeUndefined();
    expect(await cursors.open(scope, 'not-a-cursor')).toBeUndefined();
  });
});
