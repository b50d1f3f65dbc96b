/**
 * Who a session's connections are once it is identified or signed out (docs/protocol.md,
 * "Connections the server closes", "Signing out"), on the local stack: identification binds the
 * session to the connection that verified — the others are closed and a copied guest token gives
 * nothing of the citizen; `session.end` revokes the tokens and push devices and closes every
 * connection. Frames that race a close are sent straight to the route functions, as API Gateway
 * delivers a frame that arrived before the connection went.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { describe, expect, inject, it } from 'vitest';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { handler as hello } from '#handlers/hello.ts';
import { handler as historyGet } from '#handlers/history-get.ts';
import { handler as ticketList } from '#handlers/ticket-list.ts';
import type { WebSocketRouteEvent } from '#shared/websocket/route-event.ts';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { claimsOf } from '../support/operator-sign-in.ts';
import { type ChatClient, type Frame, UpgradeRefusedError } from '../support/ws-client.ts';

const { connect } = useClients();
const httpUrl = inject('localHttpUrl');

/** A guest with an open conversation and the token its `hello` answered. */
async function guestWithConversation(): Promise<{
  client: ChatClient;
  token: string;
  conversationId: string;
}> {
  const client = await connect({ lang: 'en' });
  const ack = await client.request({ action: 'message.send', clientMessageId: randomUUID(), text: 'hello' });
  const welcome = await client.request({ action: 'hello' });
  return { client, token: String(welcome.resumeToken), conversationId: String(ack.conversationId) };
}

/** What the upgrade with `token` answers: `open`, or the HTTP status that refused it. */
async function upgradeWith(token: string): Promise<'open' | number> {
  try {
    const client = await connect({ token });
    await client.close();
    return 'open';
  } catch (error) {
    if (error instanceof UpgradeRefusedError) return error.status;
    throw error;
  }
}

/**
 * A frame as API Gateway hands it to a route function: on `connectionId`, with the authorizer
 * context that connection was admitted with (a guest resumed with the slot `resumeTokenId`).
 */
function routeEvent(
  routeKey: string,
  frame: Record<string, unknown>,
  connection: { connectionId: string; sessionId: string; resumeTokenId: string },
): WebSocketRouteEvent {
  return {
    requestContext: {
      routeKey,
      eventType: 'MESSAGE',
      connectionId: connection.connectionId,
      requestId: randomUUID(),
      authorizer: {
        principalId: connection.sessionId,
        sessionId: connection.sessionId,
        role: 'guest',
        lang: 'en',
        verified: false,
        resumeTokenId: connection.resumeTokenId,
      },
    },
    body: JSON.stringify({ action: routeKey, requestId: 'raced', ...frame }),
    isBase64Encoded: false,
  } as unknown as WebSocketRouteEvent;
}

type Route = (event: WebSocketRouteEvent, context: Context) => Promise<unknown>;

async function answerOf(route: Route, event: WebSocketRouteEvent, name: string): Promise<Frame> {
  const response = (await route(event, lambdaContext(name))) as { body: string };
  return JSON.parse(response.body) as Frame;
}

describe('identification binds the session to the connection that verified', () => {
  it('closes the connection opened with a copied guest token when the victim identifies; the copied token gives nothing of the citizen', async () => {
    // Prepare: the victim chats as a guest on a shared device; the attacker copied its token and
    // keeps a connection open with it.
    const victim = await guestWithConversation();
    const attacker = await connect({ token: victim.token, lang: 'en' });
    const attackerWelcome = await attacker.request({ action: 'hello' });
    const closed = attacker.closed();

    // Act: the victim identifies on the device.
    const verified = await verifyByEmail(victim.client, httpUrl);

    // Assess: the attacker's connection is told why and closed (1000: API Gateway's DeleteConnection).
    const notice = await frameWith(attacker, (frame) => frame.type === 'connection.closed');
    expect(notice).toEqual({
      type: 'connection.closed',
      sessionId: attackerWelcome.sessionId,
      reason: 'identified',
    });
    expect((await closed).code).toBe(1000);
    // Neither the copied token nor the one the attacker's hello got resumes the session; the
    // victim's new token does, as the citizen.
    expect(await upgradeWith(victim.token)).toBe(401);
    expect(await upgradeWith(String(attackerWelcome.resumeToken))).toBe(401);
    const citizen = await connect({ token: String(verified.resumeToken) });
    const resumed = await citizen.request({ action: 'hello' });
    expect(resumed).toMatchObject({ verified: true, conversationId: victim.conversationId });
    // The victim's own connection stays open and is the citizen.
    expect(await victim.client.request({ action: 'ticket.list' })).toMatchObject({ type: 'tickets' });
  });

  it('refuses the frames of the copied connection that race its close: no citizen token from hello, no tickets, no history', async () => {
    // Prepare: as above; the attacker's connection is described as API Gateway knows it.
    const victim = await guestWithConversation();
    const attacker = await connect({ token: victim.token, lang: 'en' });
    const attackerWelcome = await attacker.request({ action: 'hello' });
    await verifyByEmail(victim.client, httpUrl);
    const connection = {
      connectionId: `raced-${randomUUID()}`,
      sessionId: String(attackerWelcome.sessionId),
      resumeTokenId: String(claimsOf(victim.token).jti),
    };

    // Act: frames that arrived on it before it was closed.
    const welcome = await answerOf(hello, routeEvent('hello', {}, connection), 'Hello');
    const tickets = await answerOf(ticketList, routeEvent('ticket.list', {}, connection), 'TicketList');
    const history = await answerOf(
      historyGet,
      routeEvent('history.get', { conversationId: victim.conversationId }, connection),
      'HistoryGet',
    );

    // Assess
    for (const answer of [welcome, tickets, history]) {
      expect(answer).toMatchObject({ type: 'error', code: 'UNAUTHORIZED', requestId: 'raced' });
      expect(answer).not.toHaveProperty('resumeToken');
    }
  });
});

describe('signing out (session.end)', () => {
  it('revokes the resume tokens and the push devices of the session and closes every connection of it', async () => {
    // Prepare: a citizen with a conversation in two tabs, a device registered in this session.
    const first = await guestWithConversation();
    const verified = await verifyByEmail(first.client, httpUrl);
    const token = String(verified.resumeToken);
    const second = await connect({ token });
    const secondWelcome = await second.request({ action: 'hello' });
    const registered = await first.client.request({
      action: 'push.register',
      platform: 'fcm',
      deviceToken: `device-${randomUUID()}`,
    });
    expect(registered).toMatchObject({ type: 'push.registered' });
    const devices = new DynamoPushDeviceRepository(String(process.env.PUSH_DEVICES_TABLE));
    const owners = [`citizen#${String(verified.citizenId)}`, `session#${String(secondWelcome.sessionId)}`];
    expect(await devices.listByOwners(owners)).toHaveLength(1);
    const firstClosed = first.client.closed();
    const secondClosed = second.closed();

    // Act
    const ended = await first.client.request({ action: 'session.end' });

    // Assess: the answer, then both connections closed, the other one told why.
    expect(ended).toMatchObject({ type: 'session.ended', sessionId: secondWelcome.sessionId });
    expect((await firstClosed).code).toBe(1000);
    expect(await frameWith(second, (frame) => frame.type === 'connection.closed')).toMatchObject({
      reason: 'session_ended',
    });
    expect((await secondClosed).code).toBe(1000);
    expect(await upgradeWith(token)).toBe(401);
    expect(await upgradeWith(String(secondWelcome.resumeToken))).toBe(401);
    expect(await devices.listByOwners(owners)).toEqual([]);
  });

  it('ends a guest session too: its token is revoked and a new connection is a new session', async () => {
    // Prepare
    const guest = await guestWithConversation();

    // Act
    const ended = await guest.client.request({ action: 'session.end' });

    // Assess: the guest's token is revoked; a new connection is a new guest session.
    expect(ended).toMatchObject({ type: 'session.ended' });
    expect(await upgradeWith(guest.token)).toBe(401);
    const fresh = await connect();
    const welcome = await fresh.request({ action: 'hello' });
    expect(welcome.sessionId).not.toBe(ended.sessionId);
    expect(await fresh.request({ action: 'session.end' })).toMatchObject({ type: 'session.ended' });
  });
});
