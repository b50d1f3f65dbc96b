/**
 * Messages end to end on the local stack: acks, bot replies, idempotent resends, gap-free `seq`
 * under concurrency, history paging, recovery after a reconnect, and every malformed frame of
 * docs/protocol.md answered with an error frame, nothing stored, the connection still usable.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useClients } from '../support/clients.ts';
import { storedMessages } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();

const send = (client: ChatClient, text: string, clientMessageId = randomUUID()) =>
  client.request({ action: 'message.send', clientMessageId, text });

const botReplies = (client: ChatClient) =>
  client.frames.filter((f) => f.type === 'message' && f.from === 'bot');

async function waitForBotReplies(client: ChatClient, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (botReplies(client).length < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${botReplies(client).length} of ${count} bot replies arrived`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return botReplies(client);
}

describe('sending a message', () => {
  it('acks with the first seq of a new conversation and then delivers the bot reply with its intent', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });

    // Act
    const ack = await send(client, 'не могу вспомнить пароль от личного кабинета');
    const [reply] = await waitForBotReplies(client, 1);

    // Assess
    expect(ack).toMatchObject({ type: 'message.ack', seq: 1, conversationId: expect.any(String) });
    expect(reply).toMatchObject({
      type: 'message',
      conversationId: ack.conversationId,
      seq: 2,
      from: 'bot',
      intent: 'auth.password_reset',
    });
    expect(reply?.confidence).toBeGreaterThan(0);
    expect(String(reply?.text).length).toBeGreaterThan(20);
  });

  it('answers in English in an English session', async () => {
    // Prepare
    const client = await connect({ lang: 'en' });

    // Act
    await send(client, 'what number do I call for the hotline?');
    const [reply] = await waitForBotReplies(client, 1);

    // Assess
    expect(reply).toMatchObject({ from: 'bot', intent: 'support.hotline' });
    expect(String(reply?.text)).toMatch(/[a-z]/i);
  });

  it('returns the same ack for a repeated clientMessageId and stores the message once', async () => {
    // Prepare
    const client = await connect();
    const clientMessageId = randomUUID();

    // Act
    const first = await send(client, 'где моё заявление', clientMessageId);
    const again = await send(client, 'где моё заявление', clientMessageId);
    await waitForBotReplies(client, 1);

    // Assess
    const { requestId: _a, ...firstAck } = first;
    const { requestId: _b, ...againAck } = again;
    expect(againAck).toEqual(firstAck);
    const stored = await storedMessages(String(first.conversationId));
    expect(stored.filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
  });

  it('returns one ack to two racing sends of the same clientMessageId', async () => {
    // Prepare
    const client = await connect();
    const clientMessageId = randomUUID();

    // Act
    const [a, b] = await Promise.all([
      send(client, 'привет', clientMessageId),
      send(client, 'привет', clientMessageId),
    ]);

    // Assess
    expect(a.messageId).toBe(b.messageId);
    expect(a.seq).toBe(b.seq);
    const stored = await storedMessages(String(a.conversationId));
    expect(stored.filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
  });

  it('numbers 20 concurrent messages and their 20 bot replies 1..40 with no gap and no duplicate', async () => {
    // Prepare
    const client = await connect();
    const first = await send(client, 'здравствуйте');
    await waitForBotReplies(client, 1);

    // Act
    // Greetings: the bot answers each, and no order of them hands the conversation to a person
    // (two fallbacks in a row, or the same answered question twice, would start the intake).
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(client, `здравствуйте ${i + 1}`)),
    );
    await waitForBotReplies(client, 21);

    // Assess
    expect(new Set(acks.map((a) => a.conversationId))).toEqual(new Set([first.conversationId]));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(20);
    const stored = await storedMessages(String(first.conversationId));
    expect(stored.map((m) => Number(m.seq))).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(stored.filter((m) => m.from === 'bot')).toHaveLength(21);
  });
});

describe('reading history', () => {
  it('pages with afterSeq and limit, and says when there is more', async () => {
    // Prepare
    const client = await connect();
    const ack = await send(client, 'как записаться в МФЦ');
    for (const question of ['какой номер горячей линии', 'часы работы мфц']) await send(client, question);
    await waitForBotReplies(client, 3);
    const conversationId = ack.conversationId;

    // Act
    const page1 = await client.request({ action: 'history.get', conversationId, limit: 4 });
    const page2 = await client.request({ action: 'history.get', conversationId, afterSeq: 4, limit: 4 });

    // Assess
    const seqs = (page: Frame) => (page.messages as { seq: number }[]).map((m) => m.seq);
    expect(page1).toMatchObject({ type: 'history', conversationId, hasMore: true });
    expect(seqs(page1)).toEqual([1, 2, 3, 4]);
    expect(page2).toMatchObject({ hasMore: false });
    expect(seqs(page2)).toEqual([5, 6]);
  });

  it('does not show one guest the conversation of another', async () => {
    // Prepare
    const owner = await connect();
    const stranger = await connect();
    const ack = await send(owner, 'мой личный вопрос');

    // Act
    const answer = await stranger.request({ action: 'history.get', conversationId: ack.conversationId });

    // Assess
    expect(answer.type).toBe('error');
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(answer.code);
    expect(JSON.stringify(answer)).not.toContain('мой личный вопрос');
  });

  it('lets a client that reconnects with its resumeToken recover the messages it missed', async () => {
    // Prepare
    const first = await connect();
    const welcome = await first.request({ action: 'hello' });
    const ack = await send(first, 'не приходит код подтверждения');
    await first.close(); // gone before the bot answers

    // Act
    const again = await connect({ token: String(welcome.resumeToken) });
    const resumed = await again.request({ action: 'hello' });
    let history = await again.request({ action: 'history.get', conversationId: ack.conversationId });
    for (let i = 0; i < 50 && (history.messages as unknown[]).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      history = await again.request({ action: 'history.get', conversationId: ack.conversationId });
    }

    // Assess
    expect(resumed).toMatchObject({ sessionId: welcome.sessionId, conversationId: ack.conversationId });
    expect(history.messages).toEqual([
      expect.objectContaining({ seq: 1, from: 'citizen' }),
      expect.objectContaining({ seq: 2, from: 'bot', intent: 'auth.code_not_received' }),
    ]);
  });
});

describe('malformed frames', () => {
  const cases: [string, Record<string, unknown> | string, string][] = [
    ['a message.send without clientMessageId', { action: 'message.send', text: 'привет' }, 'BAD_REQUEST'],
    ['a message.send without text', { action: 'message.send', clientMessageId: 'c-1' }, 'BAD_REQUEST'],
    ['a text that is a number', { action: 'message.send', clientMessageId: 'c-2', text: 42 }, 'BAD_REQUEST'],
    [
      'a text of only spaces',
      { action: 'message.send', clientMessageId: 'c-3', text: '   \n ' },
      'BAD_REQUEST',
    ],
    [
      'a clientMessageId of 65 characters',
      { action: 'message.send', clientMessageId: 'c'.repeat(65), text: 'a' },
      'BAD_REQUEST',
    ],
    [
      'a text of 4001 characters',
      { action: 'message.send', clientMessageId: 'c-4', text: 'я'.repeat(4001) },
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a 40 KB frame',
      { action: 'message.send', clientMessageId: 'c-5', text: 'a'.repeat(40 * 1024) },
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'an attachment id this session never uploaded',
      {
        action: 'message.send',
        clientMessageId: 'c-6',
        text: 'см. файл',
        attachmentIds: ['att-of-someone-else'],
      },
      'BAD_REQUEST',
    ],
    [
      'a history.get with a limit over 100',
      { action: 'history.get', conversationId: 'x', limit: 101 },
      'BAD_REQUEST',
    ],
    [
      'a history.get with a negative afterSeq',
      { action: 'history.get', conversationId: 'x', afterSeq: -1 },
      'BAD_REQUEST',
    ],
    ['an action that is not a string', { action: 7 }, 'UNKNOWN_ACTION'],
    ['a JSON array', '[1,2,3]', 'BAD_REQUEST'],
  ];

  it.each(cases)(
    'answers %s with an error frame, stores nothing, and stays usable',
    async (_, frame, code) => {
      // Prepare
      const client = await connect();

      // Act
      const requestId = randomUUID();
      client.send(typeof frame === 'string' ? frame : { ...frame, requestId });
      const error = await client.waitFor((f) => f.type === 'error');
      const welcome = await client.request({ action: 'hello' });

      // Assess
      expect(error.code).toBe(code);
      if (typeof frame !== 'string') expect(error.requestId).toBe(requestId);
      expect(welcome).toMatchObject({ type: 'welcome', conversationId: null });
    },
  );

  it('lists the wrong fields in details', async () => {
    // Prepare
    const client = await connect();

    // Act
    const error = await client.request({ action: 'message.send', text: 5 });

    // Assess
    expect(error.code).toBe('BAD_REQUEST');
    const fields = JSON.stringify(error.details);
    expect(fields).toContain('clientMessageId');
    expect(fields).toContain('text');
  });
});
