/**
 * The local gateway behaves like API Gateway's WebSocket API: the authorizer on the upgrade, route
 * selection, route responses, $default, the `@connections` API with 410 for gone connections, and
 * the 128 KB message limit. Runs against the local stack over real sockets.
 */
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, inject, it } from 'vitest';
import { useClients } from '../support/clients.ts';
import { connectionIdsOfSession } from '../support/tables.ts';
import { ChatClient, UpgradeRefusedError } from '../support/ws-client.ts';

const { wsUrl, connect } = useClients();
const httpUrl = inject('localHttpUrl');

function managementApi() {
  const endpoint = process.env.WS_CONNECTIONS_ENDPOINT;
  if (!endpoint) throw new Error('WS_CONNECTIONS_ENDPOINT is not in the functions environment');
  return new ApiGatewayManagementApiClient({ endpoint });
}

describe('the local stack over HTTP', () => {
  it('reports healthy and tells pages where the WebSocket is', async () => {
    // Act
    const health = await fetch(`${httpUrl}/health`);
    const config = (await (await fetch(`${httpUrl}/config.json`)).json()) as { wsUrl: string };

    // Assess
    expect(health.status).toBe(200);
    expect(config.wsUrl).toBe(wsUrl);
  });
});

describe('connecting', () => {
  it('admits a guest without a token and greets it with a new session', async () => {
    // Prepare
    const client = await connect({ lang: 'en' });

    // Act
    const welcome = await client.request({ action: 'hello' });

    // Assess
    expect(welcome).toMatchObject({ type: 'welcome', verified: false, lang: 'en', conversationId: null });
    expect(welcome.sessionId).toEqual(expect.any(String));
  });

  it('refuses the upgrade with HTTP 401 when the token cannot be verified', async () => {
    // Act
    const attempt = ChatClient.connect(wsUrl, { token: 'forged.token.value' });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it('gives two guests two different sessions', async () => {
    // Prepare
    const [a, b] = await Promise.all([connect(), connect()]);

    // Act
    const [welcomeA, welcomeB] = await Promise.all([
      a.request({ action: 'hello' }),
      b.request({ action: 'hello' }),
    ]);

    // Assess
    expect(welcomeA.sessionId).not.toBe(welcomeB.sessionId);
  });
});

describe('route selection', () => {
  it('answers a frame that is not JSON with BAD_REQUEST and keeps the connection usable', async () => {
    // Prepare
    const client = await connect();

    // Act
    client.send('this is {not json');
    const error = await client.waitFor((f) => f.type === 'error');
    const welcome = await client.request({ action: 'hello' });

    // Assess
    expect(error.code).toBe('BAD_REQUEST');
    expect(welcome.type).toBe('welcome');
  });

  it('answers an unknown action with UNKNOWN_ACTION and echoes the requestId', async () => {
    // Prepare
    const client = await connect();

    // Act
    const error = await client.request({ action: 'tickets.delete-all' });

    // Assess
    expect(error).toMatchObject({ type: 'error', code: 'UNKNOWN_ACTION' });
    expect(error.message).toEqual(expect.any(String));
  });

  it('answers a frame without an action with UNKNOWN_ACTION', async () => {
    // Prepare
    const client = await connect();

    // Act
    const error = await client.request({ text: 'hello?' });

    // Assess
    expect(error).toMatchObject({ type: 'error', code: 'UNKNOWN_ACTION' });
  });

  it('closes the connection with 1009 for a message over 128 KB, as API Gateway does', async () => {
    // Prepare
    const client = await connect();
    const closed = client.closed();

    // Act
    client.send({ action: 'message.send', clientMessageId: 'big', text: 'x'.repeat(130 * 1024) });

    // Assess
    expect((await closed).code).toBe(1009);
  });
});

describe('the @connections management API', () => {
  it('posts to a live connection and describes it', async () => {
    // Prepare
    const client = await connect();
    const api = managementApi();
    const connectionId = await connectionIdOf(client);

    const pushed = client.waitFor((f) => f.type === 'ping-from-server');

    // Act
    const described = await api.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    await api.send(
      new PostToConnectionCommand({
        ConnectionId: connectionId,
        Data: JSON.stringify({ type: 'ping-from-server' }),
      }),
    );

    // Assess
    expect(described.ConnectedAt).toBeInstanceOf(Date);
    await expect(pushed).resolves.toEqual({ type: 'ping-from-server' });
  });

  it('answers 410 Gone, which the SDK raises as GoneException, for a closed connection', async () => {
    // Prepare
    const client = await connect();
    const connectionId = await connectionIdOf(client);
    await client.close();

    // Act
    const post = managementApi().send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{}' }),
    );

    // Assess
    await expect(post).rejects.toBeInstanceOf(GoneException);
  });
});

/** A client does not learn its connection id (nor in AWS): find it by session in the table. */
async function connectionIdOf(client: ChatClient): Promise<string> {
  const welcome = await client.request({ action: 'hello' });
  const ids = await connectionIdsOfSession(String(welcome.sessionId));
  const [id] = ids;
  if (ids.length !== 1 || !id)
    throw new Error(`expected one connection for the session, found ${ids.length}`);
  return id;
}
