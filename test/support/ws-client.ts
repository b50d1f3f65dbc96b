/**
 * A WebSocket client for tests and the benchmark: sends frames, waits for the frames that answer
 * them (by `requestId`) or that match a predicate, and keeps everything it received.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export type Frame = Record<string, unknown> & { type: string };

export class ChatClient {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(frame)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(frame);
        }
      }
    });
  }

  /**
   * `origin`: the `Origin` header a browser page would send (none by default, as an app);
   * `localAddress`: the address to connect from (another loopback address is another client).
   */
  static connect(
    wsUrl: string,
    query: Record<string, string> = {},
    options: { origin?: string; localAddress?: string } = {},
  ): Promise<ChatClient> {
    const url = new URL(wsUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const socket = new WebSocket(url, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new ChatClient(socket)));
      socket.once('unexpected-response', (_, response) =>
        reject(new UpgradeRefusedError(response.statusCode ?? 0)),
      );
      socket.once('error', reject);
    });
  }

  /** Sends `frame` with a fresh requestId and resolves with the frame that echoes it. */
  request(frame: Record<string, unknown>, timeoutMs = 5000): Promise<Frame> {
    const requestId = randomUUID();
    const answer = this.waitFor((f) => f.requestId === requestId, timeoutMs);
    this.send({ ...frame, requestId });
    return answer;
  }

  send(frame: Record<string, unknown> | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame received from now on that matches `match`. */
  waitFor(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(`no matching frame within ${timeoutMs} ms; received: ${JSON.stringify(this.frames)}`),
        );
      }, timeoutMs);
      const done = (f: Frame) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  closed(): Promise<{ code: number; reason: string }> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve({ code: 1006, reason: '' });
    return new Promise((resolve) =>
      this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = this.closed();
    this.socket.close(1000);
    await closed;
  }
}

export class UpgradeRefusedError extends Error {
  constructor(readonly status: number) {
    super(`the WebSocket upgrade was refused with HTTP ${status}`);
  }
}
