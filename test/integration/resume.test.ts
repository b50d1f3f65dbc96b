/**
 * Resuming a session with its `resumeToken` (a signed JWT naming a slot of its session) on the local
 * stack: the same session and conversation come back, several tabs of one session resume side by
 * side, and a tampered, transplanted, expired or revoked token is refused with HTTP 401 on the upgrade.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useClients } from '../support/clients.ts';
import { ChatClient, UpgradeRefusedError } from '../support/ws-client.ts';

const { wsUrl, connect } = useClients();
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function sessionsTable(): string {
  const name = process.env.SESSIONS_TABLE;
  if (!name) throw new Error('SESSIONS_TABLE is not set: is the global setup running?');
  return name;
}

/** A guest session with an open conversation, its welcome, and the conversation id. */
async function guestWithConversation() {
  const client = await connect({ lang: 'en' });
  const ack = await client.request({ action: 'message.send', clientMessageId: randomUUID(), text: 'hello' });
  const welcome = await client.request({ action: 'hello' });
  return { client, welcome, token: String(welcome.resumeToken), conversationId: ack.conversationId };
}

/** Rewrites every resume-token slot of a session straight in the table. */
async function rewriteSlots(sessionId: string, change: (slot: { expiresAt: number }) => object | undefined) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: sessionsTable(), Key: { sessionId }, ConsistentRead: true }),
  );
  const slots = (Item?.resumeTokens ?? {}) as Record<string, { expiresAt: number }>;
  const changed = Object.fromEntries(
    Object.entries(slots).flatMap(([id, slot]) => {
      const next = change(slot);
      return next === undefined ? [] : [[id, next]];
    }),
  );
  await documents.send(
    new UpdateCommand({
      TableName: sessionsTable(),
      Key: { sessionId },
      UpdateExpression: 'SET resumeTokens = :slots',
      ExpressionAttributeValues: { ':slots': changed },
    }),
  );
}

describe('resuming a session', () => {
  it('gives a client that reconnects with its token the same session and open conversation', async () => {
    // Prepare
    const { client, welcome, token, conversationId } = await guestWithConversation();
    await client.close();

    // Act
    const again = await connect({ token });
    const resumed = await again.request({ action: 'hello' });
    const history = await again.request({ action: 'history.get', conversationId });

    // Assess
    expect(welcome.resumeToken).toEqual(expect.any(String));
    expect(resumed).toMatchObject({
      type: 'welcome',
      sessionId: welcome.sessionId,
      conversationId,
      // Where it stands: still with the bot.
      conversation: { state: 'bot' },
      lang: 'en',
    });
    expect(resumed.resumeToken).toEqual(expect.any(String));
    expect(resumed.resumeToken).not.toBe(token);
    expect(history).toMatchObject({ type: 'history', conversationId });
  });

  it('speaks the language asked for on reconnect, else the session’s', async () => {
    // Prepare
    const { client, token } = await guestWithConversation();
    await client.close();

    // Act
    const russian = await (await connect({ token, lang: 'ru' })).request({ action: 'hello' });
    const unspecified = await (await connect({ token: String(russian.resumeToken) })).request({
      action: 'hello',
    });

    // Assess
    expect(russian.lang).toBe('ru');
    expect(unspecified.lang).toBe('en');
  });

  it('lets two tabs of one session both resume, each with its own token', async () => {
    // Prepare
    const { client: firstTab, welcome, token: firstToken, conversationId } = await guestWithConversation();
    const secondTab = await connect({ token: firstToken });
    const secondToken = String((await secondTab.request({ action: 'hello' })).resumeToken);
    await Promise.all([firstTab.close(), secondTab.close()]);

    // Act
    const [first, second] = await Promise.all([
      connect({ token: firstToken }),
      connect({ token: secondToken }),
    ]);
    const [a, b] = await Promise.all([
      first.request({ action: 'hello' }),
      second.request({ action: 'hello' }),
    ]);
    const [c, d] = await Promise.all([
      connect({ token: String(a.resumeToken) }),
      connect({ token: String(b.resumeToken) }),
    ]);

    // Assess
    for (const resumed of [a, b]) {
      expect(resumed).toMatchObject({ sessionId: welcome.sessionId, conversationId });
    }
    expect(a.resumeToken).not.toBe(b.resumeToken);
    expect(await c.request({ action: 'hello' })).toMatchObject({ sessionId: welcome.sessionId });
    expect(await d.request({ action: 'hello' })).toMatchObject({ sessionId: welcome.sessionId });
  });
});

describe('refusing a token that cannot be verified', () => {
  it('refuses a token with one character of its signature changed with HTTP 401', async () => {
    // Prepare
    const { token } = await guestWithConversation();
    const at = token.lastIndexOf('.') + 5;
    const tampered = token.slice(0, at) + (token[at] === 'a' ? 'b' : 'a') + token.slice(at + 1);

    // Act
    const attempt = ChatClient.connect(wsUrl, { token: tampered });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it("refuses one session's token rewritten to name another session with HTTP 401", async () => {
    // Prepare
    const mine = await guestWithConversation();
    const other = await guestWithConversation();
    const [header, payload, signature] = mine.token.split('.');
    const claims = JSON.parse(Buffer.from(String(payload), 'base64url').toString('utf8'));
    const renamed = Buffer.from(JSON.stringify({ ...claims, sub: other.welcome.sessionId })).toString(
      'base64url',
    );
    const transplanted = `${header}.${renamed}.${signature}`;

    // Act
    const attempt = ChatClient.connect(wsUrl, { token: transplanted });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it('refuses an expired token with HTTP 401', async () => {
    // Prepare
    const { welcome, token } = await guestWithConversation();
    const past = Math.floor(Date.now() / 1000) - 1;
    await rewriteSlots(String(welcome.sessionId), (slot) => ({ ...slot, expiresAt: past }));

    // Act
    const attempt = ChatClient.connect(wsUrl, { token });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it('refuses a revoked token with HTTP 401', async () => {
    // Prepare
    const { welcome, token } = await guestWithConversation();
    await rewriteSlots(String(welcome.sessionId), () => undefined);

    // Act
    const attempt = ChatClient.connect(wsUrl, { token });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it('refuses a valid token of a session that has expired with HTTP 401', async () => {
    // Prepare
    const { welcome, token } = await guestWithConversation();
    await documents.send(
      new UpdateCommand({
        TableName: sessionsTable(),
        Key: { sessionId: String(welcome.sessionId) },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );

    // Act
    const attempt = ChatClient.connect(wsUrl, { token });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it('stores no token on the session: one slot id and its expiry', async () => {
    // Prepare
    const { welcome, token } = await guestWithConversation();

    // Act
    const { Item } = await documents.send(
      new GetCommand({
        TableName: sessionsTable(),
        Key: { sessionId: String(welcome.sessionId) },
        ConsistentRead: true,
      }),
    );

    // Assess
    const claims = JSON.parse(Buffer.from(String(token.split('.')[1]), 'base64url').toString('utf8'));
    expect(JSON.stringify(Item)).not.toContain(token.split('.')[2]);
    expect(Item?.resumeTokens).toEqual({ [claims.jti]: { expiresAt: claims.exp } });
  });
});
