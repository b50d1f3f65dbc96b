/**
 * The local stack's HTTP side: `GET /health` (503 while starting, 200 once everything is up),
 * `GET /config.json` (what the web pages need), and the outbox of SMS/push/e-mail that the local
 * notifier adapter records instead of sending (`GET /local/outbox`, `POST /local/outbox`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { listen } from './http-server.ts';

const outboxEntrySchema = z.object({
  channel: z.enum(['sms', 'push', 'email']),
  to: z.string().min(1).max(320),
  subject: z.string().max(200).optional(),
  text: z.string().max(4000),
  meta: z.record(z.string(), z.string()).optional(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema> & { id: number; at: string };

/** Serves one `METHOD /path` of the local HTTP side. */
export type HttpRouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

export interface LocalHttp {
  port: number;
  /** Serves `routeKey` (`POST /feedback`): the template's HTTP API routes are added this way. */
  addRoute(routeKey: string, handler: HttpRouteHandler): void;
  markReady(config: Record<string, unknown>): void;
  close(): Promise<void>;
}

const OUTBOX_LIMIT = 1000;

export async function startHttp(port: number, host: string): Promise<LocalHttp> {
  let ready = false;
  let publicConfig: Record<string, unknown> = {};
  const outbox: OutboxEntry[] = [];
  let nextId = 1;

  const routes: Record<string, HttpRouteHandler> = {
    'GET /health': (_, response) => json(response, ready ? 200 : 503, { status: ready ? 'ok' : 'starting' }),
    'GET /config.json': (_, response) =>
      ready ? json(response, 200, publicConfig) : json(response, 503, { status: 'starting' }),
    'GET /local/outbox': (_, response) => json(response, 200, { items: outbox }),
    'POST /local/outbox': async (request, response) => {
      const parsed = outboxEntrySchema.safeParse(await readJson(request));
      if (!parsed.success) return json(response, 400, { code: 'BAD_REQUEST', details: parsed.error.issues });
      outbox.push({ ...parsed.data, id: nextId++, at: new Date().toISOString() });
      if (outbox.length > OUTBOX_LIMIT) outbox.shift();
      json(response, 201, { id: nextId - 1 });
    },
    'DELETE /local/outbox': (_, response) => {
      outbox.length = 0;
      response.writeHead(204).end();
    },
  };

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const route = routes[`${request.method} ${path}`];
    if (!route) return json(response, 404, { code: 'NOT_FOUND' });
    Promise.resolve(route(request, response)).catch(() => json(response, 500, { code: 'INTERNAL' }));
  });
  const bound = await listen(server, port, host);
  return {
    port: bound,
    addRoute(routeKey, handler) {
      if (routes[routeKey]) throw new Error(`the local HTTP side serves ${routeKey} already`);
      routes[routeKey] = handler;
    },
    markReady(config) {
      publicConfig = config;
      ready = true;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
