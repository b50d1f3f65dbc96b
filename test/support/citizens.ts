/**
 * Citizens in integration tests, through the real identification flow: `auth.requestCode` by
 * e-mail, the code read from the local outbox (`GET /local/outbox`), `auth.verifyCode`. Gives the
 * verified connection and the resume token that reconnects as `citizen`.
 */
import { randomUUID } from 'node:crypto';
import type { ChatClient, Frame } from './ws-client.ts';

interface OutboxEntry {
  id: number;
  channel: string;
  to: string;
  text: string;
}

/** A destination no other test uses (codes are rate-limited per destination). */
export function uniqueEmail(prefix = 'citizen'): string {
  return `${prefix}-${randomUUID()}@example.org`;
}

/** The newest one-time code the outbox holds for `to`, waiting for it to arrive. */
export async function codeFromOutbox(httpUrl: string, to: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { items } = (await (await fetch(`${httpUrl}/local/outbox`)).json()) as { items: OutboxEntry[] };
    const entry = items.filter((item) => item.to === to).at(-1);
    const code = entry?.text.match(/\b\d{6}\b/)?.[0];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { items } = (await (await fetch(`${httpUrl}/local/outbox`)).json()) as { items: OutboxEntry[] };
  const mine = items.filter((item) => item.to === to);
  throw new Error(
    `no code reached the outbox in time: ${items.length} entries, ${mine.length} to this destination` +
      (mine.length > 0 ? ` (last text has no 6-digit code: ${JSON.stringify(mine.at(-1)?.text)})` : ''),
  );
}

/** Identifies the session of `client` by e-mail; answers `auth.verified` {citizenId, resumeToken}. */
export async function verifyByEmail(
  client: ChatClient,
  httpUrl: string,
  email = uniqueEmail(),
): Promise<Frame> {
  const sent = await client.request({ action: 'auth.requestCode', email });
  if (sent.type !== 'auth.codeSent') throw new Error(`auth.requestCode answered ${JSON.stringify(sent)}`);
  const code = await codeFromOutbox(httpUrl, email);
  const verified = await client.request({ action: 'auth.verifyCode', code });
  if (verified.type !== 'auth.verified')
    throw new Error(`auth.verifyCode answered ${JSON.stringify(verified)}`);
  return verified;
}
