/**
 * One WebSocket to the chat backend for a page: requests matched to answers by `requestId`,
 * server events to listeners, and reconnection with exponential backoff (also at once when the
 * browser says it is online again). What to do after each (re)connect — `hello`, `history.get` —
 * belongs to the caller (`onOpen`), which is why no frame is queued here: the widget and the
 * console keep their own outgoing queues and resend with the same ids.
 */
import type { ServerFrame } from '#events/server-frames.ts';

/** A server frame (events/server-frames.ts), or the `offline` stand-in for one that cannot come. */
export type Frame = ServerFrame | { type: 'error'; code: 'offline'; requestId?: undefined };
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionOptions {
  /** The URL to connect to now (a token may change between attempts). */
  url(): string;
  /** Called after each successful open, before anything else is sent. */
  onOpen(): void;
  onFrame(frame: Frame): void;
  onState(state: ConnectionState): void;
  /** A socket closed before it opened: the caller may drop a token that is refused. */
  onRefused?(): void;
  /** Time an answer may take before `request` rejects. */
  requestTimeoutMs?: number;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

export class ChatConnection {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private nextId = 1;
  private readonly waiting = new Map<string, { resolve(frame: Frame): void; reject(error: Error): void }>();

  constructor(private readonly options: ConnectionOptions) {
    globalThis.addEventListener?.('online', () => this.reconnectNow());
    // The browser knows before TCP does: a socket over a network that is gone is dead.
    globalThis.addEventListener?.('offline', () => {
      const socket = this.socket;
      if (!socket) return;
      socket.close(4000);
      this.closed(socket, true);
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects unless connected, connecting or waiting to retry. */
  start(): void {
    this.stopped = false;
    if (this.socket || this.timer !== undefined) return;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.close(1000);
    this.socket = undefined;
  }

  /** Closes the socket and opens a new one (e.g. with a renewed token). */
  reconnectNow(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.attempt = 0;
      this.socket.close(1000);
    } else if (!this.socket) this.open();
  }

  /** Sends a frame without waiting for anything. False when the socket is not open. */
  send(frame: Record<string, unknown>): boolean {
    if (!this.isOpen || !this.socket) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a frame and resolves with the answer carrying its `requestId` (an `error` frame too). */
  request(frame: Record<string, unknown>): Promise<Frame> {
    const requestId = `r${this.nextId++}-${Date.now().toString(36)}`;
    return new Promise<Frame>((resolve, reject) => {
      if (!this.send({ ...frame, requestId })) return reject(new Error('offline'));
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new Error('timeout'));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.waiting.set(requestId, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private open(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.options.onState('connecting');
    let opened = false;
    const socket = new WebSocket(this.options.url());
    this.socket = socket;
    socket.addEventListener('open', () => {
      opened = true;
      this.attempt = 0;
      this.options.onState('open');
      this.options.onOpen();
    });
    socket.addEventListener('message', (event) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(event.data)) as Frame;
      } catch {
        return;
      }
      const requestId = 'requestId' in frame ? frame.requestId : undefined;
      const pending = requestId ? this.waiting.get(requestId) : undefined;
      if (pending && requestId) {
        this.waiting.delete(requestId);
        pending.resolve(frame);
        return;
      }
      this.options.onFrame(frame);
    });
    socket.addEventListener('close', () => this.closed(socket, opened));
  }

  private closed(socket: WebSocket, opened: boolean): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    for (const [id, pending] of this.waiting) {
      this.waiting.delete(id);
      pending.reject(new Error('closed'));
    }
    this.options.onState('closed');
    if (!opened) this.options.onRefused?.();
    // Offline: the 'online' event reconnects.
    if (this.stopped || navigator.onLine === false) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 15000;
    this.attempt++;
    // Jitter, so that a thousand widgets do not come back in the same millisecond.
    this.timer = setTimeout(() => this.open(), delay / 2 + Math.random() * (delay / 2));
  }
}
