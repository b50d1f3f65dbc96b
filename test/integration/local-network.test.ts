/**
 * The local stack on a shared network (docs/local-stack.md, "On a shared network"): every socket
 * the stack and its children listen on is bound to loopback — what `ss -ltn` shows while `npm
 * start` runs, read here from /proc for the stack's own processes — and the gateway admits browser
 * pages of the stack's own origin only, while clients without `Origin` still connect.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { useClients } from '../support/clients.ts';
import { ChatClient, UpgradeRefusedError } from '../support/ws-client.ts';

const { wsUrl, connect } = useClients();
const httpUrl = inject('localHttpUrl');
const stackPid = inject('localStackPid');

/** `pid` and every process below it (Linux: /proc/<pid>/task/<tid>/children). */
function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return [pid, ...children.flatMap(processTree)];
}

/** The inodes of the sockets a process holds open. */
function socketInodes(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return match?.[1] ? [match[1]] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}

interface Listener {
  address: string;
  port: number;
  inode: string;
}

/** Listening TCP sockets (state 0A) of /proc/net/tcp and tcp6, addresses decoded. */
function tcpListeners(): Listener[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A')
      .map((fields) => {
        const [hexAddress = '', hexPort = ''] = (fields[1] ?? '').split(':');
        return {
          address: decodeAddress(hexAddress),
          port: Number.parseInt(hexPort, 16),
          inode: fields[9] ?? '',
        };
      }),
  );
}

/** /proc/net's hex: IPv4 as one little-endian word, IPv6 as four. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const isLoopback = (address: string) =>
  address.startsWith('127.') || address.startsWith('::ffff:127.') || address === '::1';

const portOf = (url: string | undefined) => Number(new URL(url ?? 'http://x:0').port);

describe('the local stack on a shared network', () => {
  it('listens on loopback only: HTTP, WebSocket, DynamoDB Local, fauxqs and the local Cognito', () => {
    // Prepare
    const inodes = new Set(processTree(stackPid).flatMap(socketInodes));

    // Act
    const listeners = tcpListeners().filter((listener) => inodes.has(listener.inode));

    // Assess: the five servers are among them, and nothing listens beyond this machine.
    const ports = new Set(listeners.map((l) => l.port));
    const expected = [
      portOf(httpUrl),
      portOf(wsUrl),
      portOf(process.env.AWS_ENDPOINT_URL_DYNAMODB),
      portOf(process.env.AWS_ENDPOINT_URL_SQS),
      portOf(process.env.COGNITO_JWKS_URL),
    ];
    for (const port of expected) expect(ports, `port ${port}`).toContain(port);
    expect(listeners.filter((l) => !isLoopback(l.address))).toEqual([]);
  });

  it("admits a page of the stack's own origin and a client without Origin", async () => {
    // Act
    const ownPage = await ChatClient.connect(wsUrl, { lang: 'ru' }, { origin: new URL(httpUrl).origin });
    const app = await connect({ lang: 'ru' });

    // Assess
    expect(await ownPage.request({ action: 'hello' })).toMatchObject({ type: 'welcome' });
    expect(await app.request({ action: 'hello' })).toMatchObject({ type: 'welcome' });
    await ownPage.close();
  });

  it('refuses (HTTP 403) a page of another origin that opens the gateway, token or not', async () => {
    // Act
    const attempt = ChatClient.connect(wsUrl, { lang: 'ru' }, { origin: 'http://evil.example' });
    const sameHostOtherPort = ChatClient.connect(wsUrl, {}, { origin: 'http://127.0.0.1:1' });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(403));
    await expect(sameHostOtherPort).rejects.toEqual(new UpgradeRefusedError(403));
  });
});
