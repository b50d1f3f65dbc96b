/**
 * The operator's desk over a real WebSocket on the local stack: an operator signed in through the
 * local Cognito works a verified citizen's conversation. The assignment itself is written as the
 * assignment writes it (state `operator`, operatorId, operatorName, assignedAt, ticketId) with a
 * ticket opened by `openTicket`, so these tests do not depend on who is online in other tests.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { systemClock } from '#adapters/system.ts';
import { openTicket } from '#domain/use-cases/open-ticket.ts';
import { askForPerson, assignedFor, goOnline, staffMember, takeAssigned } from '../support/assignment.ts';
import { codeFromOutbox, verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import { createAndSignIn } from '../support/operator-sign-in.ts';
import { connectionIdsOfSession, storedMessages } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const env = (name: string) => process.env[name] as string;

interface OutboxEntry {
  id: number;
  channel: string;
  to: string;
  subject?: string;
  text: string;
  meta?: Record<string, string>;
}

async function outbox(): Promise<OutboxEntry[]> {
  return ((await (await fetch(`${httpUrl}/local/outbox`)).json()) as { items: OutboxEntry[] }).items;
}

/** Polls the local outbox until `match` finds an entry (the stream relays within a second or two). */
async function outboxEntry(match: (entry: OutboxEntry) => boolean, timeoutMs = 8000): Promise<OutboxEntry> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await outbox()).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no matching outbox entry within ${timeoutMs} ms: ${JSON.stringify(await outbox())}`);
}

describe('the operator desk (local stack)', () => {
  const clients = useClients();

  /** A verified citizen with an open conversation, assigned to a fresh operator who is connected. */
  async function assignedConversation(
    verify: (citizen: ChatClient) => Promise<Frame> = (c) => verifyByEmail(c, httpUrl),
  ) {
    const citizen = await clients.connect({ lang: 'ru' });
    await citizen.request({ action: 'hello' });
    const { citizenId } = await verify(citizen);
    const ack = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-1',
      text: 'здравствуйте',
    });
    const conversationId = String(ack.conversationId);
    // Received so far or later: the answer may come in the same read as the ack.
    await frameWith(citizen, (f) => f.type === 'message' && f.from === 'bot');
    const sessionId = String((await citizen.request({ action: 'hello' })).sessionId);

    const username = `desk-${randomUUID().slice(0, 8)}`;
    const signedIn = await createAndSignIn(httpUrl, username, ['operator']);
    const operator = await clients.connect({ token: signedIn.idToken });
    const { ticket } = await openTicket(
      {
        tickets: new DynamoTicketRepository({
          ticketsTable: env('TICKETS_TABLE'),
          conversationsTable: env('CONVERSATIONS_TABLE'),
        }),
        clock: systemClock,
        retentionDays: 1,
      },
      {
        conversationId,
        sessionId,
        citizenId: String(citizenId),
        category: 'auth',
        intake: { problem: 'не приходит код' },
        lang: 'ru',
        attempt: 1,
      },
    );
    const now = new Date().toISOString();
    await documents.send(
      new UpdateCommand({
        TableName: env('CONVERSATIONS_TABLE'),
        Key: { conversationId },
        UpdateExpression:
          'SET #state = :operator, operatorId = :sub, operatorName = :name, assignedAt = :now, ticketId = :ticketId, ticketNumber = :number, category = :auth',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':operator': 'operator',
          ':sub': signedIn.sub,
          ':name': username,
          ':now': now,
          ':ticketId': ticket.ticketId,
          ':number': ticket.number,
          ':auth': 'auth',
        },
      }),
    );
    return { citizen, operator, conversationId, ticket, username, sessionId };
  }

  const replyAs = (operator: ChatClient, conversationId: string, clientMessageId: string, text: string) =>
    operator.request({ action: 'operator.reply', conversationId, clientMessageId, text });

  const isMessage = (conversationId: string, from: string) => (f: Frame) =>
    f.type === 'message' && f.conversationId === conversationId && f.from === from;

  it('carries replies both ways, keeps the bot silent, relays typing and keeps notes from the citizen', async () => {
    // Prepare
    const { citizen, operator, conversationId, username, ticket } = await assignedConversation();

    // Act: the operator answers, the citizen writes back, both type, the operator notes.
    const replyPushed = citizen.waitFor(isMessage(conversationId, 'operator'));
    const reply = await replyAs(operator, conversationId, 'op-1', 'Здравствуйте! Проверяю.');
    const pushedReply = await replyPushed;
    const relayed = operator.waitFor(isMessage(conversationId, 'citizen'));
    const citizenAck = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-2',
      text: 'Код так и не пришёл',
    });
    const relayedMessage = await relayed;
    const typingAtOperator = operator.waitFor((f) => f.type === 'typing');
    citizen.send({ action: 'typing', conversationId });
    const typingAtCitizen = citizen.waitFor((f) => f.type === 'typing');
    operator.send({ action: 'typing', conversationId });
    const note = await operator.request({
      action: 'operator.note',
      conversationId,
      text: 'Проверить номер в профиле',
    });
    const again = await replyAs(operator, conversationId, 'op-1', 'Здравствуйте! Проверяю.');
    const history = await citizen.request({ action: 'history.get', conversationId });
    // Every answer a citizen can ask for, and the ticket change pushed to them: none carries the note.
    const changed = await operator.request({
      action: 'ticket.setStatus',
      ticketId: ticket.ticketId,
      status: 'in_progress',
    });
    await citizen.request({ action: 'ticket.get', ticketId: ticket.ticketId });
    await citizen.request({ action: 'ticket.list' });

    // Assess
    expect(reply).toMatchObject({ type: 'message.ack', conversationId, clientMessageId: 'op-1' });
    expect(pushedReply).toMatchObject({ seq: reply.seq, operator: { displayName: username } });
    expect(relayedMessage).toMatchObject({ seq: citizenAck.seq, text: 'Код так и не пришёл' });
    expect(await typingAtOperator).toEqual({ type: 'typing', conversationId, from: 'citizen' });
    expect(await typingAtCitizen).toEqual({ type: 'typing', conversationId, from: 'operator' });
    expect(note).toMatchObject({ type: 'note.ack', conversationId });
    expect(again).toEqual({ ...reply, requestId: again.requestId });
    const messages = history.messages as Frame[];
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(JSON.stringify(history)).not.toContain('Проверить номер');
    expect(changed).toMatchObject({ type: 'ticket.updated' });
    expect(citizen.frames.some((f) => f.type === 'ticket.updated' && f.requestId === undefined)).toBe(true);
    expect(JSON.stringify(citizen.frames)).not.toContain('Проверить номер');
    // The bot said nothing after the handover: the last two messages are the operator's and the citizen's.
    expect(messages.slice(-2).map((m) => m.from)).toEqual(['operator', 'citizen']);
    const stored = await storedMessages(conversationId);
    expect(stored.filter((m) => Number(m.seq) > Number(reply.seq)).map((m) => m.from)).toEqual(['citizen']);
  });

  it('carries long messages both ways as written, though their bodies are stored compressed', async () => {
    // Prepare: the longest text a citizen may send (4,000 characters), and a long operator reply.
    const { citizen, operator, conversationId } = await assignedConversation();
    const longText = Array.from(
      { length: 80 },
      (_, i) => `${i + 1}. Код подтверждения не приходит на номер из профиля. `,
    )
      .join('')
      .slice(0, 4000);
    const longReply = 'Проверила вашу учётную запись: номер в профиле указан с ошибкой. '.repeat(6).trim();

    // Act: the citizen's message reaches the operator through the MessagesTable stream (DeskRelay).
    const relayed = operator.waitFor(isMessage(conversationId, 'citizen'));
    const citizenAck = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-long',
      text: longText,
    });
    const relayedMessage = await relayed;
    const pushed = citizen.waitFor(isMessage(conversationId, 'operator'));
    const reply = await replyAs(operator, conversationId, 'op-long', longReply);
    const pushedReply = await pushed;
    const history = await citizen.request({ action: 'history.get', conversationId });
    const { Item: storedCitizenMessage } = await documents.send(
      new GetCommand({ TableName: env('MESSAGES_TABLE'), Key: { conversationId, seq: citizenAck.seq } }),
    );

    // Assess
    expect(storedCitizenMessage).not.toHaveProperty('text');
    const storedBody = storedCitizenMessage?.body as Uint8Array | undefined;
    expect(storedBody).toBeInstanceOf(Uint8Array);
    expect(storedBody?.byteLength).toBeLessThan(Buffer.byteLength(longText) / 3);
    expect(relayedMessage).toMatchObject({ seq: citizenAck.seq, text: longText });
    expect(pushedReply).toMatchObject({ seq: reply.seq, text: longReply });
    expect((history.messages as Frame[]).slice(-2).map((m) => m.text)).toEqual([longText, longReply]);
  });

  it("refuses another operator's and a citizen's reply, and lists canned answers in the operator's language", async () => {
    // Prepare
    const { citizen, conversationId } = await assignedConversation();
    const other = await createAndSignIn(httpUrl, `desk-${randomUUID().slice(0, 8)}`, ['operator']);
    const otherOperator = await clients.connect({ token: other.idToken, lang: 'en' });
    const frame = { action: 'operator.reply', conversationId, clientMessageId: 'x', text: 'hi' };

    // Act
    const byOther = await otherOperator.request(frame);
    const byCitizen = await citizen.request(frame);
    const unknown = await otherOperator.request({ ...frame, conversationId: randomUUID() });
    const canned = await otherOperator.request({ action: 'canned.list', query: 'password' });
    // For a Russian citizen's conversation, asked in its language from the English console.
    const cannedRu = await otherOperator.request({ action: 'canned.list', query: 'пароль', lang: 'ru' });

    // Assess
    expect(byOther).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(byCitizen).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(unknown).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(canned).toMatchObject({ type: 'canned' });
    expect((canned.items as Frame[])[0]).toMatchObject({
      id: 'auth.password_reset',
      title: 'Password reset',
    });
    expect((cannedRu.items as Frame[])[0]).toMatchObject({
      id: 'auth.password_reset',
      title: 'Восстановление пароля',
    });
    expect((await storedMessages(conversationId)).some((m) => m.text === 'hi')).toBe(false);
  });

  it('tells a citizen who went offline about an operator reply and a ticket change, by push (local outbox)', async () => {
    // Prepare
    const { citizen, operator, conversationId, ticket, sessionId } = await assignedConversation();
    const registered = await citizen.request({
      action: 'push.register',
      platform: 'fcm',
      deviceToken: `fcm-${randomUUID()}`,
    });
    await citizen.close();
    await waitUntilOffline(sessionId);

    // Act
    await replyAs(operator, conversationId, 'op-off', 'Ответ');
    const changed = await operator.request({
      action: 'ticket.setStatus',
      ticketId: ticket.ticketId,
      status: 'in_progress',
    });

    // Assess
    expect(registered).toMatchObject({ type: 'push.registered', platform: 'fcm' });
    expect(changed).toMatchObject({ type: 'ticket.updated' });
    const replyNotice = await outboxEntry(
      (e) => e.channel === 'push' && e.meta?.conversationId === conversationId,
    );
    const ticketNotice = await outboxEntry(
      (e) => e.channel === 'push' && e.meta?.ticketId === ticket.ticketId,
    );
    expect(replyNotice).toMatchObject({
      subject: 'Ответ поддержки',
      to: expect.stringContaining(':endpoint/GCM/'),
    });
    expect(replyNotice.text).not.toContain('Ответ\n');
    expect(ticketNotice.text).toContain(ticket.number);
    expect(ticketNotice.text).toContain('В работе');
  });

  it('texts an offline citizen without a device who opted in to status SMS when verifying by phone', async () => {
    // Prepare
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    const { citizen, operator, conversationId, sessionId } = await assignedConversation(async (c) => {
      const sent = await c.request({ action: 'auth.requestCode', phone, smsOptIn: true });
      if (sent.type !== 'auth.codeSent') throw new Error(JSON.stringify(sent));
      return c.request({ action: 'auth.verifyCode', code: await codeFromOutbox(httpUrl, phone) });
    });
    await citizen.close();
    await waitUntilOffline(sessionId);

    // Act
    await replyAs(operator, conversationId, 'op-sms', 'Готово');

    // Assess
    const sms = await outboxEntry(
      (e) => e.channel === 'sms' && e.to === phone && e.text.includes('Ответ поддержки'),
    );
    expect(sms.text).not.toContain('Готово');
  });

  it('transfers a conversation to the senior queue; the senior gets it with the notes and the reason, the citizen never sees them', async () => {
    // Prepare: the real assignment — a citizen asks for a person, an operator goes online and gets it.
    const operator = await staffMember(clients, 'operator', 'desk-');
    const citizen = await clients.connect({ lang: 'ru' });
    const { conversationId } = await askForPerson(citizen);
    await goOnline(operator.client);
    await takeAssigned(operator.client, conversationId);
    await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'operator',
    );

    // Act
    await operator.client.request({
      action: 'operator.note',
      conversationId,
      text: 'Профиль проверен, телефон верный',
    });
    const requeued = citizen.waitFor(
      (f) => f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'queued',
    );
    const transferred = await operator.client.request({
      action: 'operator.transfer',
      conversationId,
      to: 'senior',
      reason: 'Сложный случай с правами доступа',
    });
    const afterwards = await replyAs(operator.client, conversationId, 'late', 'ещё ответ');
    const senior = await staffMember(clients, 'senior', 'desk-');
    await senior.client.request({ action: 'operator.status', status: 'online', maxChats: 20 });
    const seniorGets = await frameWith(senior.client, assignedFor(conversationId));

    // Assess
    expect(transferred).toMatchObject({ type: 'conversation.transferred', conversationId, to: 'senior' });
    expect(await requeued).toMatchObject({ state: 'queued' });
    expect(afterwards).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(seniorGets.notes).toEqual([
      expect.objectContaining({ kind: 'note', text: 'Профиль проверен, телефон верный' }),
      expect.objectContaining({ kind: 'transfer', to: 'senior', text: 'Сложный случай с правами доступа' }),
    ]);
    const history = await citizen.request({ action: 'history.get', conversationId });
    expect(history.type).toBe('history');
    expect(JSON.stringify(history)).not.toMatch(/Сложный случай|Профиль проверен/);
    expect(JSON.stringify(citizen.frames)).not.toMatch(/Сложный случай|Профиль проверен/);
  });
});

/** `$disconnect` removes the citizen's connection record asynchronously: wait until it is gone. */
async function waitUntilOffline(sessionId: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if ((await connectionIdsOfSession(sessionId)).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the citizen connection was not removed');
}
