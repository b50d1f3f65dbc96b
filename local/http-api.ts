/**
 * The template's HTTP API routes (API Gateway HTTP API, Lambda proxy payload v2) on the local HTTP
 * side: `POST /feedback` on the local stack is the same function with the same event shape as in
 * AWS. Header names are lower-cased as HTTP APIs deliver them; the body is passed as text.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LocalFunction } from './functions.ts';
import { peerAddress } from './gateway/gateway.ts';
import type { HttpRouteHandler } from './http.ts';

/** HTTP APIs refuse a payload over 10 MB; a local client gets the same answer. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export function httpApiRouteHandler(
  routeKey: string,
  fn: LocalFunction,
  accountId: string,
): HttpRouteHandler {
  return async (request, response) => {
    const body = await readBody(request);
    if (body === undefined)
      return write(response, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
    const event = proxyEvent(request, routeKey, body, accountId);
    try {
      const result = (await fn.invoke(event)) as APIGatewayProxyStructuredResultV2 | undefined;
      write(response, result ?? { statusCode: 200 });
    } catch {
      // What an HTTP API answers when the integration fails.
      write(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' });
    }
  };
}

function proxyEvent(
  request: IncomingMessage,
  routeKey: string,
  body: string,
  accountId: string,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: peerAddress(request),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function write(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const body =
    result.body === undefined
      ? ''
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : result.body;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}
