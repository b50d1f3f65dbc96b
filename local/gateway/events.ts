/**
 * The events API Gateway's WebSocket APIs hand their integrations, built for one connection: the
 * request context of `$connect`, of a message and of `$disconnect`, and the request part of the
 * `$connect` and authorizer events (headers and query string, single- and multi-value).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocketApiSpec } from '../template.ts';
import type { Connection } from './connection.ts';

export type EventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** `requestContext` of an event for `routeKey`, on the gateway at `domainName`. */
export function requestContext(
  api: WebSocketApiSpec,
  domainName: string,
  routeKey: string,
  eventType: EventType,
  connection: Pick<Connection, 'id' | 'connectedAt' | 'sourceIp' | 'userAgent'>,
) {
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
}

/** What the authorizer and `$connect` receive of the upgrade request itself. */
export function upgradeRequestPart(request: IncomingMessage, headers: Record<string, string>) {
  const query = queryOf(request);
  const hasQuery = Object.keys(query).length > 0;
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: hasQuery ? query : undefined,
    multiValueQueryStringParameters: hasQuery
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : undefined,
    stageVariables: {},
    isBase64Encoded: false,
  };
}

/** Headers as API Gateway passes them: one string per name, repeated values joined by commas. */
export function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function queryOf(request: IncomingMessage): Record<string, string> {
  const url = new URL(request.url ?? '/', 'http://local');
  return Object.fromEntries(url.searchParams.entries());
}
