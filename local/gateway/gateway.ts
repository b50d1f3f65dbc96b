/**
 * A WebSocket gateway that behaves like API Gateway's WebSocket APIs, for the routes of the
 * synthesized template: it accepts upgrades (after the REQUEST authorizer and `$connect`), keeps
 * the connections with the service limits (128 KB messages → close 1009, idle and maximum
 * connection durations), invokes the selected route per message and sends its route response,
 * calls `$disconnect`, and serves the `@connections` management API on the same port. The parts:
 * events.ts (event shapes), authorizer.ts, routes.ts (selection and results), connections-api.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { reachableHost } from '../config.ts';
import type { LocalFunction } from '../functions.ts';
import { awsError, listen } from '../http-server.ts';
import type { WebSocketApiSpec } from '../template.ts';
import { callAuthorizer, ForbiddenError, UnauthorizedError } from './authorizer.ts';
import { type Connection, newConnectionId, type PendingConnection } from './connection.ts';
import { serveConnectionsApi } from './connections-api.ts';
import { type EventType, flatHeaders, requestContext, upgradeRequestPart } from './events.ts';
import { bodyOf, selectRoute, statusOf } from './routes.ts';

/** API Gateway's message payload quota. */
const MAX_MESSAGE_BYTES = 128 * 1024;

export interface GatewayOptions {
  api: WebSocketApiSpec;
  functions: Map<string, LocalFunction>;
  port: number;
  /** The address to bind (`LOCAL_HOST`). */
  host: string;
  region: string;
  accountId: string;
  idleTimeoutSeconds: number;
  maxConnectionSeconds: number;
  log: (line: string) => void;
}

export interface Gateway {
  port: number;
  connectionCount(): number;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { api, functions } = options;
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const domainName = `${reachableHost(options.host)}:${options.port}`;

  const fn = (id: string): LocalFunction => {
    const found = functions.get(id);
    if (!found) throw new Error(`function ${id} is not loaded`);
    return found;
  };

  const contextOf = (routeKey: string, eventType: EventType, connection: PendingConnection) =>
    requestContext(api, domainName, routeKey, eventType, connection);

  async function authorize(request: IncomingMessage, connection: PendingConnection) {
    const base = upgradeRequestPart(request, connection.headers);
    let authorizer: Record<string, unknown> = {};
    if (api.authorizerFunctionId) {
      const methodArn = `arn:aws:execute-api:${options.region}:${options.accountId}:${api.apiId}/${api.stageName}/$connect`;
      authorizer = await callAuthorizer(fn(api.authorizerFunctionId), {
        methodArn,
        ...base,
        requestContext: contextOf('$connect', 'CONNECT', connection),
      });
    }
    const connectResult = await invokeRoute('$connect', {
      ...base,
      requestContext: { ...contextOf('$connect', 'CONNECT', connection), authorizer },
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
    const headers = flatHeaders(request);
    const pending: PendingConnection = {
      id: newConnectionId(),
      connectedAt: Date.now(),
      lastActiveAt: Date.now(),
      // As API Gateway passes it: the peer's address, IPv4 without the IPv6-mapped prefix.
      sourceIp: peerAddress(request),
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

  function accept(socket: WebSocket, pending: PendingConnection) {
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
          ...contextOf('$disconnect', 'DISCONNECT', connection),
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
    const routeKey = selectRoute(api, body);
    const context = { ...contextOf(routeKey, 'MESSAGE', connection), authorizer: connection.authorizer };
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

  function send(connection: Connection, data: string) {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(data);
  }

  const server: Server = createServer((request, response) => {
    serveConnectionsApi(request, response, api.stageName, connections, MAX_MESSAGE_BYTES).catch(
      (error: unknown) => {
        options.log(`@connections request failed: ${String(error)}`);
        if (!response.headersSent) awsError(response, 500, 'InternalServerErrorException', 'Internal error');
      },
    );
  });
  server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head));
  const port = await listen(server, options.port, options.host);

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

/** The address of the peer, as API Gateway's `identity.sourceIp` gives it (`::ffff:1.2.3.4` → `1.2.3.4`). */
export function peerAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function rejectUpgrade(socket: Duplex, status: number) {
  const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Internal Server Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
