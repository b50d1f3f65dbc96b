/**
 * The handler factory of request/response routes: what the route's function returns is the route
 * response (the requestId echoed after `type`), `noAnswer` sends no frame, a failure or a malformed
 * frame is an `error` frame (the function never runs on the latter), and only routes that ask for it
 * flush metrics after answering, also when the route failed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatError } from '#domain/errors.ts';
import { messageSendFrameSchema } from '#events/client-frames.ts';
import { metrics } from '../observability.ts';
import type { RouteInput } from './frame-route.ts';
import type { WebSocketRouteEvent } from './route-event.ts';
import { noAnswer, routeHandler } from './route-handler.ts';

const sampleEvent = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../events/samples/message-send.json'), 'utf8'),
) as WebSocketRouteEvent;

const context = {} as Context;

function eventWith(body: string): WebSocketRouteEvent {
  return { ...sampleEvent, body };
}

const validBody = JSON.stringify({
  action: 'message.send',
  requestId: 'r1',
  clientMessageId: 'c-1',
  text: ' hi ',
});

const ack = {
  type: 'message.ack',
  clientMessageId: 'c-1',
  messageId: 'm1',
  conversationId: 'c1',
  seq: 1,
  ts: '2026-11-25T10:00:00.000Z',
} as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('routeHandler', () => {
  it('hands the function the parsed frame, caller and connection, and answers its frame with the requestId echoed', async () => {
    // Prepare
    const seen: RouteInput<unknown>[] = [];
    const handler = routeHandler(messageSendFrameSchema, async (input) => {
      seen.push(input);
      return ack;
    });

    // Act
    const response = await handler(eventWith(validBody), context);

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      body: '{"type":"message.ack","requestId":"r1","clientMessageId":"c-1","messageId":"m1","conversationId":"c1","seq":1,"ts":"2026-11-25T10:00:00.000Z"}',
    });
    expect(seen).toEqual([
      {
        frame: { action: 'message.send', requestId: 'r1', clientMessageId: 'c-1', text: ' hi ' },
        caller: expect.objectContaining({ role: 'guest', sessionId: '6f1c2a9e-7d1b-4a8e-9c5e-2b7f0e3d4a11' }),
        connectionId: 'L0SM9cOFvHcCIhw=',
      },
    ]);
  });

  it('sends no frame when the function answers noAnswer', async () => {
    // Prepare
    const handler = routeHandler(messageSendFrameSchema, async () => noAnswer);

    // Act
    const response = await handler(eventWith(validBody), context);

    // Assess
    expect(response).toEqual({ statusCode: 200 });
    expect('body' in response).toBe(false);
  });

  it('answers what the function throws as an error frame with the requestId', async () => {
    // Prepare
    const handler = routeHandler(messageSendFrameSchema, async () => {
      throw new ChatError('NOT_FOUND');
    });

    // Act
    const response = await handler(eventWith(validBody), context);

    // Assess
    expect(JSON.parse(response.body)).toMatchObject({ type: 'error', requestId: 'r1', code: 'NOT_FOUND' });
  });

  it('never runs the function for a malformed frame', async () => {
    // Prepare
    const handle = vi.fn(async () => ack);
    const handler = routeHandler(messageSendFrameSchema, handle);

    // Act
    const response = await handler(eventWith('{"action":"message.send","requestId":"r2"}'), context);

    // Assess
    expect(JSON.parse(response.body)).toMatchObject({ type: 'error', requestId: 'r2', code: 'BAD_REQUEST' });
    expect(handle).not.toHaveBeenCalled();
  });

  it('flushes metrics after the route only when asked to', async () => {
    // Prepare
    const flushes = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const withMetrics = routeHandler(messageSendFrameSchema, async () => ack, { metrics: true });
    const withoutMetrics = routeHandler(messageSendFrameSchema, async () => ack);

    // Act
    await withoutMetrics(eventWith(validBody), context);
    const flushesWithout = flushes.mock.calls.length;
    await withMetrics(eventWith(validBody), context);

    // Assess
    expect(flushesWithout).toBe(0);
    expect(flushes).toHaveBeenCalledTimes(1);
  });

  it('flushes the metrics a route recorded before it failed, and still answers the error frame', async () => {
    // Prepare
    const flushes = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const handler = routeHandler(
      messageSendFrameSchema,
      async () => {
        throw new ChatError('CONFLICT');
      },
      { metrics: true },
    );

    // Act
    const response = await handler(eventWith(validBody), context);

    // Assess
    expect(JSON.parse(response.body)).toMatchObject({ type: 'error', requestId: 'r1', code: 'CONFLICT' });
    expect(flushes).toHaveBeenCalledTimes(1);
  });
});
