/**
 * The WebSocket route middleware, through a route built like the real ones (and the real `$default`
 * handler): every malformed frame is answered with an exact `error` frame as the route response,
 * and the use case never runs, so nothing can be stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { normalizeMessageText } from '#domain/messages.ts';
import { frameEnvelopeSchema, messageSendFrameSchema } from '#events/client-frames.ts';
import { handler as defaultRoute } from '#handlers/default-route.ts';
import { frameRoute } from './frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from './route-event.ts';

const sampleEvent = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../events/samples/message-send.json'), 'utf8'),
) as WebSocketRouteEvent;

const context = {} as Context;

function eventWith(body: string, lang: 'ru' | 'en' = 'ru'): WebSocketRouteEvent {
  return {
    ...sampleEvent,
    body,
    requestContext: {
      ...sampleEvent.requestContext,
      authorizer: { ...sampleEvent.requestContext.authorizer, lang },
    },
  };
}

/** A `message.send` route whose use case only normalises the text and acks; it counts its runs. */
function messageSendRoute() {
  const route = frameRoute(messageSendFrameSchema);
  const useCase = vi.fn((text: string) => normalizeMessageText(text));
  const handler = middy<WebSocketRouteEvent, RouteResponse>()
    .use(route.middleware)
    .handler(async (event) => {
      const { frame } = route.input(event);
      useCase(frame.text);
      return route.answer(event, {
        type: 'message.ack',
        clientMessageId: frame.clientMessageId,
        messageId: 'm1',
        conversationId: 'c1',
        seq: 1,
        ts: '2026-11-25T10:00:00.000Z',
      });
    });
  return { handler, useCase };
}

const frameOf = (response: RouteResponse) => JSON.parse(response.body) as Record<string, unknown>;

describe('the WebSocket route middleware', () => {
  it('answers a valid frame with its route response and echoes the requestId right after the type', async () => {
    // Prepare
    const { handler } = messageSendRoute();
    const body = JSON.stringify({
      action: 'message.send',
      requestId: 'r1',
      clientMessageId: 'c-1',
      text: ' hi ',
    });

    // Act
    const response = await handler(eventWith(body), context);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(
      '{"type":"message.ack","requestId":"r1","clientMessageId":"c-1","messageId":"m1","conversationId":"c1","seq":1,"ts":"2026-11-25T10:00:00.000Z"}',
    );
  });

  it('answers a frame that is not JSON with BAD_REQUEST and never runs the use case', async () => {
    // Prepare
    const { handler, useCase } = messageSendRoute();

    // Act
    const response = await handler(eventWith('{"action":"message.send",'), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      code: 'BAD_REQUEST',
      message: 'Некорректный запрос: проверьте поля сообщения.',
      details: [{ field: 'frame', problem: 'not JSON' }],
    });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('lists every missing field in details and echoes the requestId', async () => {
    // Prepare
    const { handler, useCase } = messageSendRoute();

    // Act
    const response = await handler(eventWith('{"action":"message.send","requestId":"r2"}'), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      requestId: 'r2',
      code: 'BAD_REQUEST',
      message: 'Некорректный запрос: проверьте поля сообщения.',
      details: [
        { field: 'clientMessageId', problem: 'Invalid input: expected string, received undefined' },
        { field: 'text', problem: 'Invalid input: expected string, received undefined' },
      ],
    });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('names a field of the wrong type, in English for an English session', async () => {
    // Prepare
    const { handler } = messageSendRoute();
    const body = JSON.stringify({
      action: 'message.send',
      requestId: 'r3',
      clientMessageId: 'c-1',
      text: 42,
    });

    // Act
    const response = await handler(eventWith(body, 'en'), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      requestId: 'r3',
      code: 'BAD_REQUEST',
      message: 'Bad request: check the fields of the frame.',
      details: [{ field: 'text', problem: 'Invalid input: expected string, received number' }],
    });
  });

  it('answers a text of 4001 characters with PAYLOAD_TOO_LARGE', async () => {
    // Prepare
    const { handler } = messageSendRoute();
    const body = JSON.stringify({
      action: 'message.send',
      requestId: 'r4',
      clientMessageId: 'c-1',
      text: 'я'.repeat(4001),
    });

    // Act
    const response = await handler(eventWith(body), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      requestId: 'r4',
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Сообщение слишком длинное.',
      details: [{ field: 'text', problem: 'longer than 4000 characters' }],
    });
  });

  it('answers a frame over 32 KB with PAYLOAD_TOO_LARGE and still echoes its requestId', async () => {
    // Prepare
    const { handler, useCase } = messageSendRoute();
    const body = JSON.stringify({
      action: 'message.send',
      requestId: 'r5',
      clientMessageId: 'c-1',
      text: 'x'.repeat(33_000),
    });

    // Act
    const response = await handler(eventWith(body), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      requestId: 'r5',
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Сообщение слишком длинное.',
      details: [{ field: 'frame', problem: 'larger than 32768 bytes' }],
    });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('answers a clientMessageId of 65 characters with BAD_REQUEST', async () => {
    // Prepare
    const { handler } = messageSendRoute();
    const body = JSON.stringify({ action: 'message.send', clientMessageId: 'c'.repeat(65), text: 'hi' });

    // Act
    const response = await handler(eventWith(body), context);

    // Assess
    expect(frameOf(response)).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      details: [{ field: 'clientMessageId', problem: expect.stringContaining('64') }],
    });
  });

  it('answers an unexpected failure with INTERNAL and none of its message', async () => {
    // Prepare
    const route = frameRoute(messageSendFrameSchema);
    const handler = middy<WebSocketRouteEvent, RouteResponse>()
      .use(route.middleware)
      .handler(async () => {
        throw new Error('ValidationException: table SupportChat-Messages-XYZ does not exist');
      });
    const body = JSON.stringify({
      action: 'message.send',
      requestId: 'r6',
      clientMessageId: 'c-1',
      text: 'hi',
    });

    // Act
    const response = await handler(eventWith(body, 'en'), context);

    // Assess
    expect(response.body).toBe(
      '{"type":"error","requestId":"r6","code":"INTERNAL","message":"Internal error. Please try again."}',
    );
  });
});

describe('the $default route', () => {
  it('answers an unknown action with UNKNOWN_ACTION and echoes the requestId', async () => {
    // Act
    const response = await defaultRoute(eventWith('{"action":"ticket.teleport","requestId":"r7"}'), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      requestId: 'r7',
      code: 'UNKNOWN_ACTION',
      message: 'Неизвестное название действия.',
    });
  });

  it('answers a JSON object without an action with UNKNOWN_ACTION', async () => {
    // Act
    const response = await defaultRoute(eventWith('{"text":"hi"}', 'en'), context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      code: 'UNKNOWN_ACTION',
      message: 'The action name is unknown.',
    });
  });

  it('answers a frame that is not JSON with BAD_REQUEST', async () => {
    // Act
    const response = await defaultRoute(eventWith('hello there'), context);

    // Assess
    expect(frameOf(response)).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });

  it('answers a JSON array with BAD_REQUEST, not UNKNOWN_ACTION', async () => {
    // Act
    const response = await defaultRoute(eventWith('[{"action":"hello"}]'), context);

    // Assess
    expect(frameOf(response)).toMatchObject({
      code: 'BAD_REQUEST',
      details: [{ field: 'frame', problem: 'not a JSON object' }],
    });
  });
});

describe('the authorization of the middleware (functions/domain/authorization.ts)', () => {
  const operator = {
    principalId: 'sub-1',
    sessionId: 'sub-1',
    role: 'operator',
    lang: 'en',
    displayName: 'Anna',
  } as const;

  function routeEvent(
    routeKey: string,
    body: string,
    authorizer: Record<string, unknown>,
  ): WebSocketRouteEvent {
    return {
      ...sampleEvent,
      body,
      requestContext: { ...sampleEvent.requestContext, routeKey, authorizer },
    };
  }

  /** A route that answers the resolved caller's role; `sessions` holds one session. */
  function probeRoute(
    session: { verified: boolean; citizenId?: string; verifiedConnectionId?: string } | undefined,
  ) {
    const reads: string[] = [];
    const route = frameRoute(frameEnvelopeSchema, {
      sessions: {
        get: async (sessionId) => {
          reads.push(sessionId);
          return session;
        },
      },
    });
    const useCase = vi.fn();
    const handler = middy<WebSocketRouteEvent, RouteResponse>()
      .use(route.middleware)
      .handler(async (event) => {
        const { caller } = route.input(event);
        useCase(caller);
        return route.answer(event, { type: 'suggestions', items: [] });
      });
    return { handler, useCase, reads };
  }

  it('refuses an operator a citizen-only action with FORBIDDEN before validating the frame, echoing the requestId', async () => {
    // Prepare: a frame missing every field would be BAD_REQUEST for a citizen.
    const { handler, useCase } = messageSendRoute();
    const event = routeEvent('message.send', '{"action":"message.send","requestId":"r9"}', {
      ...operator,
    });

    // Act
    const response = await handler(event, context);

    // Assess
    expect(frameOf(response)).toEqual({
      type: 'error',
      requestId: 'r9',
      code: 'FORBIDDEN',
      message: expect.any(String),
    });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('answers a guest UNAUTHORIZED for ticket.list when its session is not verified', async () => {
    // Prepare
    const { handler, useCase, reads } = probeRoute({ verified: false });
    const guest = sampleEvent.requestContext.authorizer as Record<string, unknown>;

    // Act
    const response = await handler(
      routeEvent('ticket.list', '{"action":"ticket.list","requestId":"t1"}', guest),
      context,
    );

    // Assess
    expect(frameOf(response)).toMatchObject({ type: 'error', requestId: 't1', code: 'UNAUTHORIZED' });
    expect(useCase).not.toHaveBeenCalled();
    expect(reads).toEqual([guest.sessionId]);
  });

  it('hands the handler a guest who verified on this connection as a citizen with its citizenId', async () => {
    // Prepare
    // Identified on this very connection (sessionStanding): the sample event's.
    const { handler, useCase } = probeRoute({
      verified: true,
      citizenId: 'cit-9',
      verifiedConnectionId: sampleEvent.requestContext.connectionId,
    });
    const guest = sampleEvent.requestContext.authorizer as Record<string, unknown>;

    // Act
    await handler(routeEvent('ticket.list', '{"action":"ticket.list"}', guest), context);

    // Assess
    expect(useCase).toHaveBeenCalledWith(
      expect.objectContaining({ role: 'citizen', citizenId: 'cit-9', sessionId: guest.sessionId }),
    );
  });

  it('fails closed (INTERNAL) on a route that resolves guests but was given no session reader', async () => {
    // Prepare: a wiring mistake, the guest must not be let through as it stands.
    const route = frameRoute(frameEnvelopeSchema);
    const useCase = vi.fn();
    const handler = middy<WebSocketRouteEvent, RouteResponse>()
      .use(route.middleware)
      .handler(async (event) => {
        useCase(route.input(event).caller);
        return route.answer(event, { type: 'suggestions', items: [] });
      });
    const guest = sampleEvent.requestContext.authorizer as Record<string, unknown>;

    // Act
    const response = await handler(routeEvent('ticket.list', '{"action":"ticket.list"}', guest), context);

    // Assess
    expect(frameOf(response)).toMatchObject({ type: 'error', code: 'INTERNAL' });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('fails closed (INTERNAL) on a route that admits staff but was given no staff check, and acts for the role the check gives', async () => {
    // Prepare: one route wired without the check, one with a check that says "demoted to operator".
    const useCase = vi.fn();
    const build = (options: Parameters<typeof frameRoute>[1]) => {
      const route = frameRoute(frameEnvelopeSchema, options);
      return middy<WebSocketRouteEvent, RouteResponse>()
        .use(route.middleware)
        .handler(async (event) => {
          useCase(route.input(event).caller);
          return route.answer(event, { type: 'suggestions', items: [] });
        });
    };
    const unchecked = build({});
    const checked = build({ staff: { confirm: async (caller) => ({ ...caller, role: 'operator' }) } });
    const senior = { ...operator, role: 'senior' };

    // Act
    const refused = await unchecked(routeEvent('queue.stats', '{"action":"queue.stats"}', senior), context);
    await checked(routeEvent('queue.stats', '{"action":"queue.stats"}', senior), context);

    // Assess
    expect(frameOf(refused)).toMatchObject({ type: 'error', code: 'INTERNAL' });
    expect(useCase).toHaveBeenCalledTimes(1);
    expect(useCase).toHaveBeenCalledWith(expect.objectContaining({ role: 'operator' }));
  });

  it('refuses a route key the policy has no row for', async () => {
    const { handler, useCase } = probeRoute(undefined);

    const response = await handler(
      routeEvent('admin.wipe', '{"action":"admin.wipe"}', { ...operator }),
      context,
    );

    expect(frameOf(response)).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('still answers UNKNOWN_ACTION on $default, for every role', async () => {
    const response = await defaultRoute(
      routeEvent('$default', '{"action":"operator.teleport","requestId":"u1"}', { ...operator }),
      context,
    );

    expect(frameOf(response)).toMatchObject({ type: 'error', requestId: 'u1', code: 'UNKNOWN_ACTION' });
  });
});
