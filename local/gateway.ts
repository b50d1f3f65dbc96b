/**
 * A WebSocket gateway that behaves like API Gateway's WebSocket APIs, for the routes of the
 * synthesized template: the REQUEST authorizer and `$connect` on the upgrade (HTTP 401 when the
 * authorizer says Unauthorized), route selection on `$request.body.action` with `$default` as the
 * fallback, route responses, `$disconnect`, the `@connections` management API (POST/GET/DELETE,
 * 410 GoneException), and the service limits (128 KB messages → close 1009, idle and maximum
 * connection durations).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LocalFunction } from './functions.ts';
import type { WebSocketApiSpec } from './template.ts';

/** API Gateway's message payload quota. */
export const MAX_MESSAGE_BYTES = 128 * 1024;

export interface GatewayOptions {
  api: WebSocketApiSpec;
  functions: Map<string, LocalFunction>;
  port: number;
  region: string;
  accountId: string;
  idleTimeoutSeconds: number;
  maxConnectionSeconds: number;
  log: (line: string) => void;
}

interface Connection {
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

export interface Gateway {
  port: number;
  connectionCount(): number;
  close(): Promise<void>;
}

class UnauthorizedError extends Error {}
/** A Deny policy: API Gateway answers 403, where a thrown `Unauthorized` gives 401. */
class ForbiddenError extends Error {}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { api, functions } = options;
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const domainName = `127.0.0.1:${options.port}`;

  const fn = (id: string): LocalFunction => {
    const found = functions.get(id);
    if (!found) throw new Error(`function ${id} is not loaded`);
    return found;
  };

  const requestContext = (
    routeKey: string,
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
    connection: Pick<Connection, 'id' | 'connectedAt' | 'sourceIp' | 'userAgent'>,
  ) => {
    const now = Date.now();
    return {
      routeKey,
      eventType,
      extendedRequestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      messageDirection: 'IN',
      stage: api.stageName,
      connectedAt: connection.connectedAt,
      requestTimeEpoch: now,
      identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
      requestId: randomUUID(),
      domainName,
      connectionId: connection.id,
      apiId: api.apiId,
    };
  };

  async function authorize(request: IncomingMessage, connection: Omit<Connection, 'socket' | 'maxTimer'>) {
    const query = queryOf(request);
    const context = requestContext('$connect', 'CONNECT', connection);
    const base = {
      headers: connection.headers,
      multiValueHeaders: Object.fromEntries(Object.entries(connection.headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
      multiValueQueryStringParameters:
        Object.keys(query).length > 0
          ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
          : undefined,
      stageVariables: {},
      isBase64Encoded: false,
    };
    let authorizer: Record<string, unknown> = {};
    if (api.authorizerFunctionId) {
      const methodArn = `arn:aws:execute-api:${options.region}:${options.accountId}:${api.apiId}/${api.stageName}/$connect`;
      let result: unknown;
      try {
        result = await fn(api.authorizerFunctionId).invoke({
          type: 'REQUEST',
          methodArn,
          ...base,
          requestContext: context,
        });
      } catch (error) {
        if (error instanceof Error && error.message === 'Unauthorized') throw new UnauthorizedError();
        throw error;
      }
      authorizer = allowedContext(result);
    }
    const connectResult = await invokeRoute('$connect', {
      ...base,
      requestContext: { ...requestContext('$connect', 'CONNECT', connection), authorizer },
    });
    const status = statusOf(connectResult);
    return { authorizer, status };
  }

  async function invokeRoute(routeKey: string, event: unknown): Promise<unknown> {
    const route = api.routes.get(routeKey);
    if (!route) return { statusCode: 200 };
    return fn(route.functionId).invoke(event);
  }

  async function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    const id = newConnectionId();
    const headers = flatHeaders(request);
    const pending = {
      id,
      connectedAt: Date.now(),
      lastActiveAt: Date.now(),
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
      headers,
      authorizer: {},
    };
    try {
      const { authorizer, status } = await authorize(request, pending);
      if (status < 200 || status > 299) return rejectUpgrade(socket, status);
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, { ...pending, authorizer }));
    } catch (error) {
      if (error instanceof UnauthorizedError) return rejectUpgrade(socket, 401);
      if (error instanceof ForbiddenError) return rejectUpgrade(socket, 403);
      options.log(`$connect failed: ${error instanceof Error ? error.message : String(error)}`);
      rejectUpgrade(socket, 500);
    }
  }

  function accept(socket: WebSocket, pending: Omit<Connection, 'socket' | 'maxTimer'>) {
    const connection: Connection = {
      ...pending,
      socket,
      maxTimer: setTimeout(() => socket.close(1001, 'Going away'), options.maxConnectionSeconds * 1000),
    };
    connections.set(connection.id, connection);
    touch(connection);
    // ws closes the socket itself (1009 for a message over maxPayload); the error needs no more.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => {
      touch(connection);
      const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
      void onMessage(connection, body, isBinary);
    });
    socket.on('close', (code, reason) => {
      clearTimeout(connection.idleTimer);
      clearTimeout(connection.maxTimer);
      connections.delete(connection.id);
      void invokeRoute('$disconnect', {
        headers: connection.headers,
        isBase64Encoded: false,
        requestContext: {
          ...requestContext('$disconnect', 'DISCONNECT', connection),
          authorizer: connection.authorizer,
          disconnectStatusCode: code,
          disconnectReason: reason.toString(),
        },
      }).catch((error: unknown) => options.log(`$disconnect failed: ${String(error)}`));
    });
  }

  function touch(connection: Connection) {
    connection.lastActiveAt = Date.now();
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(
      () => connection.socket.close(1001, 'Going away'),
      options.idleTimeoutSeconds * 1000,
    );
  }

  async function onMessage(connection: Connection, body: string, isBinary: boolean) {
    const routeKey = selectRoute(body);
    const context = { ...requestContext(routeKey, 'MESSAGE', connection), authorizer: connection.authorizer };
    const route = api.routes.get(routeKey);
    try {
      const result = await invokeRoute(routeKey, {
        requestContext: { ...context, messageId: newConnectionId() },
        body,
        isBase64Encoded: isBinary,
      });
      const responseBody = bodyOf(result);
      if (route?.returnResponse && responseBody !== undefined) send(connection, responseBody);
    } catch (error) {
      options.log(`route ${routeKey} failed: ${error instanceof Error ? error.message : String(error)}`);
      // What API Gateway sends when the integration fails.
      send(
        connection,
        JSON.stringify({
          message: 'Internal server error',
          connectionId: connection.id,
          requestId: context.requestId,
        }),
      );
    }
  }

  function selectRoute(body: string): string {
    const field = /^\$request\.body\.(.+)$/.exec(api.routeSelectionExpression)?.[1] ?? 'action';
    try {
      const parsed: unknown = JSON.parse(body);
      const value =
        typeof parsed === 'object' && parsed !== null
          ? (parsed as Record<string, unknown>)[field]
          : undefined;
      if (typeof value === 'string' && api.routes.has(value) && !value.startsWith('$')) return value;
    } catch {
      // Not JSON: route selection cannot evaluate, so API Gateway takes $default.
    }
    return '$default';
  }

  function send(connection: Connection, data: string) {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(data);
  }

  /** `/{stage}/@connections/{connectionId}` with POST, GET, DELETE, like execute-api. */
  async function onManagementRequest(request: IncomingMessage, response: ServerResponse) {
    const match = /^\/([^/]+)\/@connections\/([^/?]+)/.exec(request.url ?? '');
    if (!match || match[1] !== api.stageName)
      return awsError(response, 404, 'NotFoundException', 'Not Found');
    const connection = connections.get(decodeURIComponent(match[2] ?? ''));
    const gone = !connection || connection.socket.readyState !== connection.socket.OPEN;
    if (request.method === 'POST') {
      const body = await readBody(request, MAX_MESSAGE_BYTES);
      if (body === undefined) return awsError(response, 413, 'PayloadTooLargeException', 'Payload too large');
      if (gone) return awsError(response, 410, 'GoneException', 'Gone');
      connection.socket.send(body.toString('utf8'));
      return void response.writeHead(200).end();
    }
    if (gone) return awsError(response, 410, 'GoneException', 'Gone');
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(
        JSON.stringify({
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        }),
      );
    }
    if (request.method === 'DELETE') {
      connection.socket.close(1000, 'Closed by the server');
      return void response.writeHead(204).end();
    }
    awsError(response, 405, 'MethodNotAllowedException', 'Method not allowed');
  }

  const server: Server = createServer((request, response) => {
    onManagementRequest(request, response).catch((error: unknown) => {
      options.log(`@connections request failed: ${String(error)}`);
      if (!response.headersSent) awsError(response, 500, 'InternalServerErrorException', 'Internal error');
    });
  });
  server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head));
  const port = await listen(server, options.port);

  return {
    port,
    connectionCount: () => connections.size,
    async close() {
      for (const connection of connections.values()) connection.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** API Gateway connection ids: 16 characters of base64 ending in `=`. */
function newConnectionId(): string {
  return `${randomBytes(11).toString('base64').slice(0, 15).replace(/[+/]/g, 'A')}=`;
}

function allowedContext(result: unknown): Record<string, unknown> {
  const r = (result ?? {}) as {
    principalId?: unknown;
    policyDocument?: { Statement?: { Effect?: string }[] };
    context?: Record<string, unknown>;
  };
  const statements = r.policyDocument?.Statement ?? [];
  const allowed = statements.length > 0 && statements.every((s) => s.Effect === 'Allow');
  if (!allowed) throw new ForbiddenError();
  return { ...apiGatewayContext(r.context ?? {}), principalId: r.principalId };
}

/**
 * API Gateway hands the routes the authorizer's context with every value as a string, and fails
 * the connection (500) for an object or array value: do the same, so that a handler reading
 * `verified === true` fails here as it would in AWS.
 */
function apiGatewayContext(context: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => {
      if (value !== null && typeof value === 'object') {
        throw new Error(`authorizer context value ${key} is not a string, number or boolean`);
      }
      return [key, String(value)];
    }),
  );
}

function statusOf(result: unknown): number {
  const status = (result as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}

function bodyOf(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  const body = (result as { body?: unknown } | undefined)?.body;
  return typeof body === 'string' ? body : undefined;
}

function queryOf(request: IncomingMessage): Record<string, string> {
  const url = new URL(request.url ?? '/', 'http://local');
  return Object.fromEntries(url.searchParams.entries());
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function rejectUpgrade(socket: Duplex, status: number) {
  const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Internal Server Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function awsError(response: ServerResponse, status: number, type: string, message: string) {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ message }));
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
