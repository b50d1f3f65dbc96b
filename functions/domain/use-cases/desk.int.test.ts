/**
 * The operator's desk against DynamoDB Local (started by the test run's global setup): replies in the
 * conversation's seq (idempotent, only by the assigned operator), internal notes that never reach the
 * citizen's history, the typing throttle, the relay of citizen messages to the operator, push devices
 * and the offline notice. The conversation is put in state `operator` directly, as the assignment
 * would; pushes go to a recording ConnectionNotifier and out-of-band messages to a recording
 * OutOfBandNotifier (our own ports: what they record is what the adapters would be asked to send).
 * Notices are sent once per key through the real IdempotencyTable (DynamoOncePerKey), with a
 * one-second lease so a crash's lapse can be waited for.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoNoteRepository } from '#adapters/dynamodb/note-repository.ts';
import { DynamoOncePerKey } from '#adapters/dynamodb/once-per-key.ts';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { DynamoRelayThrottle } from '#adapters/dynamodb/relay-throttle.ts';
import { HmacPagingCursors } from '#adapters/paging-cursors.ts';
import { LocalPushEndpointRegistry, NotifierPushSender } from '#adapters/push-endpoints.ts';
import { DynamoSmsContactReader } from '#adapters/sms-contacts.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import type { Caller } from '#events/authorizer-context.ts';
import { RecordingNotifier, saveConnection } from '../../../test/support/assignment-fixtures.ts';
import { tablesWithoutOutbox } from '../../../test/support/emulator-env.ts';
import { lambdaContext } from '../../../test/support/lambda-context.ts';
import type { Conversation } from '../conversations.ts';
import { WorkInProgressError } from '../ports/once-per-key.ts';
import type { OutOfBandMessage, OutOfBandNotifier } from '../ports/out-of-band.ts';
import { expiresAfterDays, NOTICE_KEY_TTL_SECONDS } from '../retention.ts';
import { CONNECTION_LIFETIME_SECONDS } from '../sessions.ts';
import { addInternalNote } from './add-internal-note.ts';
import { notifyOfflineCitizen } from './notify-offline-citizen.ts';
import { readHistory } from './read-history.ts';
import { registerPushDevice } from './register-push-device.ts';
import { relayCitizenMessage } from './relay-citizen-message.ts';
import { relayTyping } from './relay-typing.ts';
import { replyAsOperator } from './reply-as-operator.ts';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

class RecordingOutOfBand implements OutOfBandNotifier {
  readonly sent: OutOfBandMessage[] = [];
  async send(message: OutOfBandMessage): Promise<void> {
    this.sent.push(message);
  }
}

const NOTICE_LEASE_MS_IN_TESTS = 1000;

async function setUp() {
  const tables = await tablesWithoutOutbox();
  const notesTable = process.env.NOTES_TABLE as string;
  const pushDevicesTable = process.env.PUSH_DEVICES_TABLE as string;
  const notifier = new RecordingNotifier();
  const outOfBand = new RecordingOutOfBand();
  const now = new Date();
  const operator: Caller = {
    principalId: `op-${randomUUID()}`,
    sessionId: '',
    role: 'operator',
    lang: 'ru',
    displayName: 'Анна',
  };
  operator.sessionId = operator.principalId;
  const sessionId = randomUUID();
  const citizen: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'ru' };
  const conversation: Conversation = {
    conversationId: randomUUID(),
    sessionId,
    state: 'operator',
    lastSeq: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: expiresAfterDays(now, 1),
    operatorId: operator.principalId,
    operatorName: 'Анна',
    assignedAt: new Date(now.getTime() - 4000).toISOString(),
    ticketId: randomUUID(),
  };
  await documents.send(new PutCommand({ TableName: tables.conversationsTable, Item: conversation }));
  const connections = new DynamoConnectionRepository(tables.connectionsTable);
  const connect = (principalId: string, role: Caller['role']) =>
    saveConnection(principalId, role, {
      table: tables.connectionsTable,
      connectionId: randomUUID(),
      lifetimeSeconds: CONNECTION_LIFETIME_SECONDS,
    });
  const conversations = new DynamoConversationRepository(tables.conversationsTable);
  const common = { conversations, connections, notifier, clock: systemClock, ids: randomIds };
  return {
    tables,
    notifier,
    outOfBand,
    operator,
    citizen,
    conversation,
    connect,
    connections,
    messages: new DynamoMessageRepository(tables.messagesTable),
    notes: new DynamoNoteRepository(notesTable),
    devices: new DynamoPushDeviceRepository(pushDevicesTable),
    notices: new DynamoOncePerKey({
      tableName: tables.idempotencyTable,
      keyPrefix: 'notice',
      expiresAfterSeconds: NOTICE_KEY_TTL_SECONDS,
      leaseMs: NOTICE_LEASE_MS_IN_TESTS,
    }),
    replyDeps: {
      ...common,
      log: new DynamoConversationLog({ ...tables, sessionsTable: 'unused', compressBodies: true }),
      sleeper: timerSleeper,
      retentionDays: 1,
    },
    common,
  };
}

async function setState(tableName: string, conversationId: string, state: Conversation['state']) {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { conversationId },
      UpdateExpression: 'SET #state = :state',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':state': state },
    }),
  );
}

describe('operator.reply (DynamoDB Local)', () => {
  it("stores the assigned operator's reply with the next seq, pushes it to the citizen, and times the first reply once", async () => {
    // Prepare
    const { replyDeps, operator, conversation, connect, notifier, messages, citizen } = await setUp();
    const citizenConnection = await connect(citizen.sessionId, 'guest');
    const callerConsole = await connect(operator.principalId, 'operator');
    const otherConsole = await connect(operator.principalId, 'operator');

    // Act
    const first = await replyAsOperator(replyDeps, {
      caller: operator,
      connectionId: callerConsole,
      conversationId: conversation.conversationId,
      clientMessageId: 'r-1',
      text: '  Здравствуйте, разбираюсь.  ',
    });
    const second = await replyAsOperator(replyDeps, {
      caller: operator,
      conversationId: conversation.conversationId,
      clientMessageId: 'r-2',
      text: 'Готово.',
    });

    // Assess
    expect(first.ack.seq).toBe(1);
    expect(second.ack.seq).toBe(2);
    expect(first.firstResponseMs).toBeGreaterThanOrEqual(4000);
    expect(second.firstResponseMs).toBeUndefined();
    expect(first.ticketId).toBe(conversation.ticketId);
    const stored = await messages.get(conversation.conversationId, 1);
    expect(stored).toMatchObject({
      from: 'operator',
      text: 'Здравствуйте, разбираюсь.',
      operatorName: 'Анна',
    });
    const firstPosts = notifier.posts.filter((p) => p.frame.type === 'message' && p.frame.seq === 1);
    expect(firstPosts.map((p) => p.connectionId).sort()).toEqual([citizenConnection, otherConsole].sort());
    expect(firstPosts[0]?.frame).toMatchObject({
      type: 'message',
      seq: 1,
      from: 'operator',
      operator: { displayName: 'Анна' },
    });
  });

  it('answers a repeated clientMessageId with the same ack and stores nothing twice', async () => {
    // Prepare
    const { replyDeps, operator, conversation, messages } = await setUp();
    const reply = () =>
      replyAsOperator(replyDeps, {
        caller: operator,
        conversationId: conversation.conversationId,
        clientMessageId: 'same',
        text: 'Минуту',
      });

    // Act
    const [a, b] = await Promise.all([reply(), reply()]);
    const c = await reply();

    // Assess
    expect(JSON.stringify(b.ack)).toBe(JSON.stringify(a.ack));
    expect(JSON.stringify(c.ack)).toBe(JSON.stringify(a.ack));
    expect([a.stored, b.stored, c.stored].filter(Boolean)).toHaveLength(1);
    expect((await messages.listAfter(conversation.conversationId, 0, 10)).messages).toHaveLength(1);
  });

  it('stores a reply whose clientMessageId the same operator used in another conversation', async () => {
    // Prepare: the operator's second conversation (a console numbers its messages per conversation).
    const { replyDeps, operator, conversation, messages, tables } = await setUp();
    const other: Conversation = { ...conversation, conversationId: randomUUID(), sessionId: randomUUID() };
    await documents.send(new PutCommand({ TableName: tables.conversationsTable, Item: other }));
    const reply = (conversationId: string) =>
      replyAsOperator(replyDeps, {
        caller: operator,
        conversationId,
        clientMessageId: 'o1',
        text: 'Здравствуйте',
      });

    // Act
    const first = await reply(conversation.conversationId);
    const second = await reply(other.conversationId);

    // Assess
    expect(second.stored).toBe(true);
    expect(second.ack).toMatchObject({ conversationId: other.conversationId, seq: 1 });
    expect((await messages.listAfter(other.conversationId, 0, 10)).messages).toHaveLength(1);
    expect(first.ack.conversationId).toBe(conversation.conversationId);
  });

  it('answers a resend of a stored reply with its ack after the conversation closed, and refuses a new one', async () => {
    // Prepare
    const { replyDeps, operator, conversation, messages, tables } = await setUp();
    const reply = (clientMessageId: string) =>
      replyAsOperator(replyDeps, {
        caller: operator,
        conversationId: conversation.conversationId,
        clientMessageId,
        text: 'Готово',
      });
    const first = await reply('last');
    await setState(tables.conversationsTable, conversation.conversationId, 'closed');

    // Act
    const resent = await reply('last');
    const fresh = await reply('after-close').catch((error: unknown) => error);

    // Assess
    expect(JSON.stringify(resent.ack)).toBe(JSON.stringify(first.ack));
    expect(resent.stored).toBe(false);
    expect(fresh).toMatchObject({ code: 'CONFLICT' });
    expect((await messages.listAfter(conversation.conversationId, 0, 10)).messages).toHaveLength(1);
  });

  it('numbers 10 concurrent replies 1..10 with no gap', async () => {
    // Prepare
    const { replyDeps, operator, conversation } = await setUp();

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        replyAsOperator(replyDeps, {
          caller: operator,
          conversationId: conversation.conversationId,
          clientMessageId: `c-${i}`,
          text: `ответ ${i}`,
        }),
      ),
    );

    // Assess
    expect(outcomes.map((o) => o.ack.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(outcomes.filter((o) => o.firstResponseMs !== undefined).length).toBeLessThanOrEqual(1);
  });

  it('refuses another operator (FORBIDDEN), an unknown conversation (NOT_FOUND), a queued one (FORBIDDEN) and a closed one (CONFLICT), storing nothing', async () => {
    // Prepare
    const { replyDeps, operator, conversation, tables, messages } = await setUp();
    const other: Caller = { ...operator, principalId: 'someone-else', sessionId: 'someone-else' };
    const reply = (caller: Caller, conversationId = conversation.conversationId) =>
      replyAsOperator(replyDeps, { caller, conversationId, clientMessageId: randomUUID(), text: 'ответ' });

    // Act + Assess
    await expect(reply(other)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(reply(operator, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await setState(tables.conversationsTable, conversation.conversationId, 'queued');
    await expect(reply(operator)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await setState(tables.conversationsTable, conversation.conversationId, 'closed');
    await expect(reply(operator)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await messages.listAfter(conversation.conversationId, 0, 10)).messages).toEqual([]);
  });
});

describe('operator.note (DynamoDB Local)', () => {
  it("keeps a note for operators and out of the citizen's history, whose seq stays gap-free", async () => {
    // Prepare
    const { replyDeps, operator, citizen, conversation, notes, messages, common } = await setUp();
    await replyAsOperator(replyDeps, {
      caller: operator,
      conversationId: conversation.conversationId,
      clientMessageId: 'before',
      text: 'Первый ответ',
    });

    // Act
    const ack = await addInternalNote(
      { ...common, notes, retentionDays: 1 },
      {
        caller: operator,
        conversationId: conversation.conversationId,
        text: 'Гражданин раздражён, проверить СНИЛС',
      },
    );
    await replyAsOperator(replyDeps, {
      caller: operator,
      conversationId: conversation.conversationId,
      clientMessageId: 'after',
      text: 'Второй ответ',
    });

    // Assess
    expect(ack).toMatchObject({ type: 'note.ack', conversationId: conversation.conversationId });
    expect(await notes.list(conversation.conversationId)).toEqual([
      expect.objectContaining({
        noteId: ack.noteId,
        kind: 'note',
        operator: expect.objectContaining({ displayName: 'Анна' }),
      }),
    ]);
    const history = await readHistory(
      {
        conversations: common.conversations,
        messages,
        cursors: new HmacPagingCursors(async () => new TextEncoder().encode('k'.repeat(32)), systemClock),
        // A citizen reading their own conversation is not journaled: a write here would fail the read.
        journal: {
          record: async () => {
            throw new Error('a citizen read was journaled');
          },
        },
        clock: systemClock,
        ids: { newId: () => 'unused' },
      },
      { caller: citizen, conversationId: conversation.conversationId, afterSeq: 0, limit: 50 },
    );
    expect(history.messages.map((m) => [m.seq, m.from])).toEqual([
      [1, 'operator'],
      [2, 'operator'],
    ]);
    expect(JSON.stringify(history)).not.toContain('СНИЛС');
  });

  it("answers an operator's history.get only once its read is in the access journal: a journal that cannot be written fails the read", async () => {
    // Prepare: the journal's table is missing (a real DynamoDB fault), then the stack's own.
    const { replyDeps, operator, conversation, messages, common } = await setUp();
    await replyAsOperator(replyDeps, {
      caller: operator,
      conversationId: conversation.conversationId,
      clientMessageId: 'journaled',
      text: 'Ответ',
    });
    const readWith = (accessJournalTable: string) =>
      readHistory(
        {
          conversations: common.conversations,
          messages,
          cursors: new HmacPagingCursors(async () => new TextEncoder().encode('k'.repeat(32)), systemClock),
          journal: new DynamoAccessJournal({ accessJournalTable, retentionDays: 1 }),
          clock: systemClock,
          ids: randomIds,
        },
        { caller: operator, conversationId: conversation.conversationId, afterSeq: 0, limit: 50 },
      );

    // Act + Assess
    await expect(readWith(`missing-${randomUUID()}`)).rejects.toThrow();
    const history = await readWith(process.env.ACCESS_JOURNAL_TABLE as string);
    expect(history.messages.map((m) => m.text)).toEqual(['Ответ']);
  });

  it("refuses a note on another operator's conversation", async () => {
    const { operator, conversation, notes, common } = await setUp();
    await expect(
      addInternalNote(
        { ...common, notes, retentionDays: 1 },
        {
          caller: { ...operator, principalId: 'x', sessionId: 'x' },
          conversationId: conversation.conversationId,
          text: 'заметка',
        },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await notes.list(conversation.conversationId)).toEqual([]);
  });
});

describe('typing (DynamoDB Local)', () => {
  it('relays one typing per conversation and side per interval, to the other side only', async () => {
    // Prepare
    const { common, tables, operator, citizen, conversation, connect, notifier } = await setUp();
    const operatorConnection = await connect(operator.principalId, 'operator');
    const citizenConnection = await connect(citizen.sessionId, 'guest');
    const at = (ms: number) => ({ now: () => new Date(Date.UTC(2026, 0, 1) + ms) });
    const deps = (ms: number) => ({
      ...common,
      throttle: new DynamoRelayThrottle(tables.idempotencyTable),
      clock: at(ms),
      intervalMs: 2000,
    });
    const input = { caller: citizen, conversationId: conversation.conversationId };

    // Act
    const first = await relayTyping(deps(0), input);
    const flood = await Promise.all([relayTyping(deps(100), input), relayTyping(deps(1999), input)]);
    const later = await relayTyping(deps(2000), input);
    const fromOperator = await relayTyping(deps(100), {
      caller: operator,
      conversationId: conversation.conversationId,
    });

    // Assess
    expect(first.status).toBe('relayed');
    expect(flood.map((o) => o.status)).toEqual(['throttled', 'throttled']);
    expect(later.status).toBe('relayed');
    expect(fromOperator.status).toBe('relayed');
    expect(notifier.posts).toEqual([
      {
        connectionId: operatorConnection,
        frame: { type: 'typing', conversationId: conversation.conversationId, from: 'citizen' },
      },
      {
        connectionId: operatorConnection,
        frame: { type: 'typing', conversationId: conversation.conversationId, from: 'citizen' },
      },
      {
        connectionId: citizenConnection,
        frame: { type: 'typing', conversationId: conversation.conversationId, from: 'operator' },
      },
    ]);
  });

  it("relays nothing while no operator has the conversation, and refuses someone else's conversation", async () => {
    const { common, tables, citizen, conversation } = await setUp();
    const deps = { ...common, throttle: new DynamoRelayThrottle(tables.idempotencyTable), intervalMs: 2000 };
    await setState(tables.conversationsTable, conversation.conversationId, 'queued');
    expect(await relayTyping(deps, { caller: citizen, conversationId: conversation.conversationId })).toEqual(
      {
        status: 'nobody',
        reason: 'no-operator',
      },
    );
    const stranger: Caller = { ...citizen, principalId: randomUUID(), sessionId: randomUUID() };
    await expect(
      relayTyping(deps, { caller: stranger, conversationId: conversation.conversationId }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe("citizen messages on the operator's desk (DynamoDB Local)", () => {
  it('pushes a citizen message to the assigned operator, and to nobody while the conversation is queued', async () => {
    // Prepare
    const { common, tables, operator, citizen, conversation, connect, notifier } = await setUp();
    const operatorConnection = await connect(operator.principalId, 'operator');
    const message = {
      conversationId: conversation.conversationId,
      seq: 1,
      messageId: randomUUID(),
      from: 'citizen' as const,
      senderId: citizen.sessionId,
      text: 'Код так и не пришёл',
      ts: new Date().toISOString(),
      expiresAt: expiresAfterDays(new Date(), 1),
      outbox: 'operator' as const,
    };

    // Act
    const relayed = await relayCitizenMessage(common, message);
    await setState(tables.conversationsTable, conversation.conversationId, 'queued');
    const skipped = await relayCitizenMessage(common, { ...message, seq: 2 });

    // Assess
    expect(relayed).toMatchObject({ status: 'relayed', operatorId: operator.principalId });
    expect(skipped).toEqual({ status: 'skipped', reason: 'not-with-operator' });
    expect(notifier.posts).toEqual([
      {
        connectionId: operatorConnection,
        frame: expect.objectContaining({
          type: 'message',
          seq: 1,
          from: 'citizen',
          text: 'Код так и не пришёл',
        }),
      },
    ]);
  });
});

describe('push devices and offline notices (DynamoDB Local)', () => {
  it('stores a device once however often it registers, under the verified citizen, without the token', async () => {
    // Prepare
    const { devices } = await setUp();
    const citizenId = `cit-${randomUUID()}`;
    const sessionId = randomUUID();
    const caller: Caller = { principalId: sessionId, sessionId, role: 'citizen', lang: 'ru', citizenId };
    const deps = {
      registry: new LocalPushEndpointRegistry(),
      devices,
      clock: systemClock,
      retentionDays: 30,
    };
    const token = `fcm-token-${randomUUID()}`;

    // Act
    const answers = [
      await registerPushDevice(deps, { caller, platform: 'fcm', deviceToken: token }),
      await registerPushDevice(deps, { caller, platform: 'fcm', deviceToken: token }),
    ];

    // Assess
    expect(answers).toEqual([
      { type: 'push.registered', platform: 'fcm' },
      { type: 'push.registered', platform: 'fcm' },
    ]);
    const stored = await devices.listByOwners([`citizen#${citizenId}`, `session#${sessionId}`]);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ ownerKey: `citizen#${citizenId}`, platform: 'fcm', sessionId });
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('tells an online citizen nothing, an offline one by push, and one without a device by SMS when opted in', async () => {
    // Prepare
    const { tables, devices, outOfBand, connect, connections, notices } = await setUp();
    const citizenId = `cit-${randomUUID()}`;
    const sessionId = randomUUID();
    const now = new Date();
    await documents.send(
      new PutCommand({
        TableName: tables.sessionsTable,
        Item: {
          sessionId,
          lang: 'ru',
          verified: true,
          citizenId,
          createdAt: now.toISOString(),
          expiresAt: expiresAfterDays(now, 1),
          smsOptIn: true,
          smsPhone: '+79161234567',
        },
      }),
    );
    const deps = {
      connections,
      citizenSessions: new DynamoCitizenSessionLookup(tables.sessionsTable),
      devices,
      pushes: new NotifierPushSender(outOfBand, new LocalPushEndpointRegistry()),
      outOfBand,
      smsContacts: new DynamoSmsContactReader(tables.sessionsTable),
      once: notices.within(lambdaContext('TicketNotices')),
    };
    const ticketId = randomUUID();
    const event = {
      kind: 'ticket_update' as const,
      ticketId,
      version: 1,
      number: 'GU-20261124-7K3F9Q',
      statusLabel: 'В работе',
    };
    const input = { sessionId, citizenId, lang: 'ru' as const, event };

    // Act
    const bySms = await notifyOfflineCitizen(deps, input);
    await registerPushDevice(
      { registry: new LocalPushEndpointRegistry(), devices, clock: systemClock, retentionDays: 30 },
      {
        caller: { principalId: sessionId, sessionId, role: 'citizen', lang: 'ru', citizenId },
        platform: 'apns',
        deviceToken: 'a'.repeat(64),
      },
    );
    const byPush = await notifyOfflineCitizen(deps, input);
    const connectionId = await connect(sessionId, 'citizen');
    const online = await notifyOfflineCitizen(deps, input);
    await connections.delete(connectionId);

    // Assess
    expect(bySms).toEqual({ status: 'sms', gone: 0 });
    expect(byPush).toEqual({ status: 'push', sent: 1, gone: 0, failed: 0 });
    expect(online).toEqual({ status: 'online' });
    expect(outOfBand.sent).toEqual([
      { channel: 'sms', to: '+79161234567', text: expect.stringContaining('GU-20261124-7K3F9Q') },
      expect.objectContaining({
        channel: 'push',
        to: expect.stringContaining(':endpoint/APNS/'),
        title: 'Обращение GU-20261124-7K3F9Q',
        data: { ticketId },
      }),
    ]);
  });

  it('forgets a device whose endpoint SNS disabled, without retrying, and retries when a push failed otherwise', async () => {
    // Prepare
    const { devices, connections, outOfBand, tables, notices } = await setUp();
    const sessionId = randomUUID();
    const caller: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'en' };
    await registerPushDevice(
      { registry: new LocalPushEndpointRegistry(), devices, clock: systemClock, retentionDays: 30 },
      { caller, platform: 'fcm', deviceToken: `fcm-${randomUUID()}` },
    );
    const base = {
      connections,
      citizenSessions: new DynamoCitizenSessionLookup(tables.sessionsTable),
      devices,
      outOfBand,
      smsContacts: new DynamoSmsContactReader(tables.sessionsTable),
      once: notices.within(lambdaContext('DeskRelay')),
    };
    const input = {
      sessionId,
      lang: 'en' as const,
      event: { kind: 'operator_reply' as const, conversationId: randomUUID(), seq: 2 },
    };

    // Act
    const failing = notifyOfflineCitizen(
      { ...base, pushes: { push: async () => Promise.reject(new Error('SNS throttled')) } },
      input,
    );
    await expect(failing).rejects.toThrow(/failed/);
    const gone = await notifyOfflineCitizen(
      { ...base, pushes: { push: async () => 'gone' as const } },
      input,
    );

    // Assess
    expect(gone).toEqual({ status: 'unreachable', gone: 1 });
    expect(await devices.listByOwners([`session#${sessionId}`])).toEqual([]);
  });
});

/** A message provider that refuses the first `failures` sends (a timeout, a throttle), then takes them. */
class FlakyOutOfBand implements OutOfBandNotifier {
  readonly sent: OutOfBandMessage[] = [];
  constructor(private failures: number) {}
  async send(message: OutOfBandMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SNS did not take the message');
    }
    this.sent.push(message);
  }
}

describe('each notice once (IdempotencyTable, DynamoDB Local)', () => {
  /** An offline verified citizen who opted in to SMS, and (`withDevice`) one with a push device. */
  async function offlineCitizens(outOfBand: OutOfBandNotifier) {
    const { tables, devices, connections, notices } = await setUp();
    const now = new Date();
    const texted = { sessionId: randomUUID(), citizenId: `cit-${randomUUID()}` };
    const phone = `+7916${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    await documents.send(
      new PutCommand({
        TableName: tables.sessionsTable,
        Item: {
          ...texted,
          lang: 'ru',
          verified: true,
          createdAt: now.toISOString(),
          expiresAt: expiresAfterDays(now, 1),
          smsOptIn: true,
          smsPhone: phone,
        },
      }),
    );
    const pushed = { sessionId: randomUUID() };
    await registerPushDevice(
      { registry: new LocalPushEndpointRegistry(), devices, clock: systemClock, retentionDays: 30 },
      {
        caller: { principalId: pushed.sessionId, sessionId: pushed.sessionId, role: 'guest', lang: 'ru' },
        platform: 'fcm',
        deviceToken: `fcm-${randomUUID()}`,
      },
    );
    const deps = {
      connections,
      citizenSessions: new DynamoCitizenSessionLookup(tables.sessionsTable),
      devices,
      pushes: new NotifierPushSender(outOfBand, new LocalPushEndpointRegistry()),
      outOfBand,
      smsContacts: new DynamoSmsContactReader(tables.sessionsTable),
    };
    const ticketUpdate = {
      ...texted,
      lang: 'ru' as const,
      event: {
        kind: 'ticket_update' as const,
        ticketId: randomUUID(),
        version: 2,
        number: 'GU-20261202-5T7WQX',
        statusLabel: 'В работе',
      },
    };
    const reply = {
      ...pushed,
      lang: 'ru' as const,
      event: { kind: 'operator_reply' as const, conversationId: randomUUID(), seq: 3 },
    };
    return { deps, notices, ticketUpdate, reply, phone };
  }

  it('sends one push and one SMS when the same two events come twice, and answers the replay as sent', async () => {
    // Prepare
    const outOfBand = new RecordingOutOfBand();
    const { deps, notices, ticketUpdate, reply, phone } = await offlineCitizens(outOfBand);
    const once = notices.within(lambdaContext('DeskRelay'));

    // Act
    const first = [
      await notifyOfflineCitizen({ ...deps, once }, reply),
      await notifyOfflineCitizen({ ...deps, once }, ticketUpdate),
    ];
    const replayed = [
      await notifyOfflineCitizen({ ...deps, once: notices.within(lambdaContext('DeskRelay')) }, reply),
      await notifyOfflineCitizen({ ...deps, once: notices.within(lambdaContext('DeskRelay')) }, ticketUpdate),
    ];
    const nextVersion = await notifyOfflineCitizen(
      { ...deps, once },
      { ...ticketUpdate, event: { ...ticketUpdate.event, version: 3, statusLabel: 'Ожидание' } },
    );

    // Assess
    expect(first).toEqual([
      { status: 'push', sent: 1, gone: 0, failed: 0 },
      { status: 'sms', gone: 0 },
    ]);
    expect(replayed).toEqual(first);
    expect(nextVersion).toEqual({ status: 'sms', gone: 0 });
    expect(outOfBand.sent.map((m) => m.channel)).toEqual(['push', 'sms', 'sms']);
    expect(outOfBand.sent.filter((m) => m.to === phone).map((m) => m.text)).toEqual([
      expect.stringContaining('В работе'),
      expect.stringContaining('Ожидание'),
    ]);
  });

  it('sends a notice whose send failed on the retry, once', async () => {
    // Prepare: the provider refuses the first SMS and the first push.
    const outOfBand = new FlakyOutOfBand(2);
    const { deps, notices, ticketUpdate, reply } = await offlineCitizens(outOfBand);
    const once = notices.within(lambdaContext('TicketNotices'));

    // Act
    const failedSms = await notifyOfflineCitizen({ ...deps, once }, ticketUpdate).catch((e: unknown) => e);
    const failedPush = await notifyOfflineCitizen({ ...deps, once }, reply).catch((e: unknown) => e);
    const retried = [
      await notifyOfflineCitizen({ ...deps, once }, ticketUpdate),
      await notifyOfflineCitizen({ ...deps, once }, reply),
    ];
    const replayed = [
      await notifyOfflineCitizen({ ...deps, once }, ticketUpdate),
      await notifyOfflineCitizen({ ...deps, once }, reply),
    ];

    // Assess
    expect(failedSms).toBeInstanceOf(Error);
    expect(failedPush).toBeInstanceOf(Error);
    expect(retried).toEqual([
      { status: 'sms', gone: 0 },
      { status: 'push', sent: 1, gone: 0, failed: 0 },
    ]);
    expect(replayed).toEqual(retried);
    expect(outOfBand.sent.map((m) => m.channel)).toEqual(['sms', 'push']);
  });

  it('finishes a notice whose run died after the claim on the first retry after its lease, and not before', async () => {
    // Prepare: a run claims the SMS and dies before sending (its work never ends, as a crashed Lambda's).
    const outOfBand = new RecordingOutOfBand();
    const { deps, notices, ticketUpdate } = await offlineCitizens(outOfBand);
    void notifyOfflineCitizen(
      {
        ...deps,
        once: notices.within(lambdaContext('TicketNotices')),
        outOfBand: { send: () => new Promise<void>(() => undefined) },
      },
      ticketUpdate,
    );
    const waiting = new DynamoOncePerKey({
      tableName: (await tablesWithoutOutbox()).idempotencyTable,
      keyPrefix: 'notice',
      expiresAfterSeconds: NOTICE_KEY_TTL_SECONDS,
      leaseMs: NOTICE_LEASE_MS_IN_TESTS,
      waitForLease: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    const duringLease = await notifyOfflineCitizen(
      { ...deps, once: notices.within(lambdaContext('TicketNotices')) },
      ticketUpdate,
    ).catch((e: unknown) => e);
    const startedAt = Date.now();
    const retried = await notifyOfflineCitizen(
      { ...deps, once: waiting.within(lambdaContext('TicketNotices')) },
      ticketUpdate,
    );

    // Assess
    expect(duringLease).toBeInstanceOf(WorkInProgressError);
    expect(retried).toEqual({ status: 'sms', gone: 0 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(NOTICE_LEASE_MS_IN_TESTS / 2);
    expect(outOfBand.sent.map((m) => m.channel)).toEqual(['sms']);
  });

  it('sends again after the lease when the run died between the send and marking it sent (at least once)', async () => {
    // Prepare: the provider takes the SMS, then the run dies before the key is marked sent.
    const outOfBand = new RecordingOutOfBand();
    const { deps, notices, ticketUpdate } = await offlineCitizens(outOfBand);
    void notifyOfflineCitizen(
      {
        ...deps,
        once: notices.within(lambdaContext('TicketNotices')),
        outOfBand: {
          send: async (message) => {
            await outOfBand.send(message);
            await new Promise<void>(() => undefined);
          },
        },
      },
      ticketUpdate,
    );
    await new Promise((resolve) => setTimeout(resolve, NOTICE_LEASE_MS_IN_TESTS + 200));

    // Act
    const retried = await notifyOfflineCitizen(
      { ...deps, once: notices.within(lambdaContext('TicketNotices')) },
      ticketUpdate,
    );

    // Assess: the one duplicate the design allows (docs/architecture.md, "Notifications").
    expect(retried).toEqual({ status: 'sms', gone: 0 });
    expect(outOfBand.sent.map((m) => m.channel)).toEqual(['sms', 'sms']);
  });
});
