/**
 * Posting to a connection through the real `@aws-sdk/client-apigatewaymanagementapi`, against a
 * small HTTP server standing in for the `@connections` endpoint. It injects the two faults that
 * neither API Gateway on demand nor the local gateway can produce at will: a post that never
 * answers, and a 410 Gone for a connection that closed between listing and posting.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageFrame } from '#events/server-frames.ts';
import { ApiGatewayConnectionNotifier } from './connection-notifier.ts';

const frame: MessageFrame = {
  type: 'message',
  conversationId: 'c1',
  messageId: 'm2',
  seq: 2,
  from: 'bot',
  text: 'Ответ',
  ts: '2026-11-25T10:00:00.000Z',
};

let server: Server;
let endpoint: string;
const received: { path: string; body: string }[] = [];

function answer(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const path = request.url ?? '';
    if (path.endsWith('/hanging')) return; // never answers
    if (path.endsWith('/gone')) {
      response.writeHead(410, { 'x-amzn-errortype': 'GoneException', 'content-type': 'application/json' });
      response.end('{"message":null}');
      return;
    }
    if (path.endsWith('/broken')) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"message":"Internal server error"}');
      return;
    }
    received.push({ path: decodeURIComponent(path), body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(200);
    response.end();
  });
}

beforeAll(async () => {
  process.env.AWS_REGION ??= 'eu-central-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('posting a frame to a connection', () => {
  it('delivers the frame as JSON to the connection’s @connections path', async () => {
    // Prepare
    const notifier = new ApiGatewayConnectionNotifier({ endpoint, timeoutMs: 1000 });

    // Act
    const outcome = await notifier.post('abc=', frame);

    // Assess
    expect(outcome).toBe('delivered');
    expect(received.at(-1)).toEqual({ path: '/prod/@connections/abc=', body: JSON.stringify(frame) });
  });

  it('reports a connection that answers 410 as gone', async () => {
    // Prepare
    const notifier = new ApiGatewayConnectionNotifier({ endpoint, timeoutMs: 1000 });

    // Act
    const outcome = await notifier.post('gone', frame);

    // Assess
    expect(outcome).toBe('gone');
  });

  it('gives up on a post that hangs when its deadline passes, without throwing', async () => {
    // Prepare
    const notifier = new ApiGatewayConnectionNotifier({ endpoint, timeoutMs: 300 });
    const started = Date.now();

    // Act
    const outcome = await notifier.post('hanging', frame);

    // Assess
    expect(outcome).toBe('failed');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports any other failure as failed, without throwing', async () => {
    // Prepare
    const notifier = new ApiGatewayConnectionNotifier({ endpoint, timeoutMs: 1000 });

    // Act
    const outcome = await notifier.post('broken', frame);

    // Assess
    expect(outcome).toBe('failed');
  });
});
