/**
 * A WebSocket connection as the local gateway keeps it: the socket, what API Gateway reports about
 * it (connected and last active, source IP, user agent), the headers of its upgrade, the
 * authorizer's context every route receives, and its idle and maximum-duration timers.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';

export interface Connection {
  id: string;
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  headers: Record<string, string>;
  authorizer: Record<string, unknown>;
  idleTimer?: NodeJS.Timeout;
  maxTimer: NodeJS.Timeout;
}

/** A connection being upgraded: no socket or timers yet. */
export type PendingConnection = Omit<Connection, 'socket' | 'maxTimer'>;

/** API Gateway connection ids: 16 characters of base64 ending in `=`. */
export function newConnectionId(): string {
  return `${randomBytes(11).toString('base64').slice(0, 15).replace(/[+/]/g, 'A')}=`;
}
