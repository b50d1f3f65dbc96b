/**
 * Identification by one-time code on the local stack (docs/requirements.md#identification): a code sent by SMS or
 * e-mail lands in the local outbox, verifying it makes the session a citizen with a resume token that
 * resumes the same session and conversation; resends are limited, three wrong codes lock the
 * destination across sessions, racing attempts and requests are counted exactly, and bad input
 * changes nothing. Runs with the production settings (a code lives 300 s, resends wait 60 s, the
 * lock lasts 900 s): every test uses destinations of its own.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { HmacIdentityHasher } from '#adapters/identity-hasher.ts';
import { citizenIdKey, codeHmacKey } from '#adapters/secret-keys.ts';
import { DynamoSmsContactReader } from '#adapters/sms-contacts.ts';
import { readConfig } from '#shared/config.ts';
import { useClients } from '../support/clients.ts';
import { type ChatClient, UpgradeRefusedError } from '../support/ws-client.ts';

const { connect } = useClients();
const httpUrl = inject('localHttpUrl');
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
// The test process has the functions' environment (global setup): the same key and table names.
const config = readConfig();
const hasher = new HmacIdentityHasher({ codeKey: codeHmacKey(config), citizenKey: citizenIdKey(config) });

/** A Russian mobile number nobody else in this run uses. */
const newPhone = () => `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
const newEmail = () => `citizen.${randomUUID().slice(0, 8)}@Example.RU`;

interface OutboxEntry {
  channel: string;
  to: string;
  subject?: string;
  text: string;
}

async function outboxFor(to: string): Promise<OutboxEntry[]> {
  const response = await fetch(`${httpUrl}/local/outbox`);
  const { items } = (await response.json()) as { items: OutboxEntry[] };
  return items.filter((item) => item.to === to);
}

/** The code of the last message sent to `to`. */
async function codeSentTo(to: string): Promise<string> {
  const last = (await outboxFor(to)).at(-1);
  const code = /\b(\d{6})\b/.exec(last?.text ?? '')?.[1];
  if (!code) throw new Error(`no code in the outbox for this destination: ${JSON.stringify(last)}`);
  return code;
}

/** A code that is not `code`. */
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function getItem(
  variable: 'SESSIONS_TABLE' | 'CONVERSATIONS_TABLE' | 'VERIFICATION_CODES_TABLE',
  key: object,
) {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: String(process.env[variable]),
      Key: key as Record<string, string>,
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** A guest who wrote once (so it has an open conversation) and said hello. */
async function guest(lang: 'ru' | 'en' = 'en') {
  const client = await connect({ lang });
  const ack = await client.request({ action: 'message.send', clientMessageId: randomUUID(), text: 'hello' });
  const welcome = await client.request({ action: 'hello' });
  return {
    client,
    sessionId: String(welcome.sessionId),
    token: String(welcome.resumeToken),
    conversationId: String(ack.conversationId),
  };
}

async function requestAndReadCode(client: ChatClient, phone: string) {
  const sent = await client.request({ action: 'auth.requestCode', phone });
  expect(sent).toMatchObject({ type: 'auth.codeSent' });
  return codeSentTo(phone);
}

describe('identifying a guest by a one-time code', () => {
  it('sends a code by SMS, verifies it, and resumes the same session and conversation as a citizen', async () => {
    // Prepare
    const { client, sessionId, token: guestToken, conversationId } = await guest('ru');
    const phone = newPhone();

    // Act
    const sent = await client.request({ action: 'auth.requestCode', phone: `8${phone.slice(2)}` });
    const code = await codeSentTo(phone);
    const verified = await client.request({ action: 'auth.verifyCode', code });
    await client.close();
    const again = await connect({ token: String(verified.resumeToken) });
    const welcome = await again.request({ action: 'hello' });
    const history = await again.request({ action: 'history.get', conversationId });

    // Assess
    expect(sent).toEqual({
      type: 'auth.codeSent',
      requestId: expect.any(String),
      channel: 'sms',
      destination: `+7 ********${phone.slice(-2)}`,
      expiresIn: 300,
      resendIn: 60,
    });
    expect((await outboxFor(phone)).at(-1)?.text).toContain('Код для чата поддержки');
    expect(verified).toEqual({
      type: 'auth.verified',
      requestId: expect.any(String),
      citizenId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      resumeToken: expect.any(String),
    });
    expect(welcome).toMatchObject({ type: 'welcome', sessionId, verified: true, conversationId });
    expect(history).toMatchObject({ type: 'history', conversationId });
    expect(await getItem('CONVERSATIONS_TABLE', { conversationId })).toMatchObject({
      sessionId,
      citizenId: verified.citizenId,
    });
    const session = await getItem('SESSIONS_TABLE', { sessionId });
    expect(session).toMatchObject({
      verified: true,
      citizenId: verified.citizenId,
      maskedPhone: `+7 ********${phone.slice(-2)}`,
    });
    expect(session?.smsPhone).toBeUndefined();
    expect(JSON.stringify(session)).not.toContain(phone.slice(2));
    // The guest's token does not carry over into the verified session.
    await expect(connect({ token: guestToken })).rejects.toEqual(new UpgradeRefusedError(401));
  });

  it('sends a code by e-mail in the session language; a conversation opened after that is the citizen’s', async () => {
    // Prepare
    const client = await connect({ lang: 'en' });
    const email = newEmail();
    const normalised = email.replace('@Example.RU', '@example.ru');

    // Act
    const sent = await client.request({ action: 'auth.requestCode', email });
    const code = await codeSentTo(normalised);
    const verified = await client.request({ action: 'auth.verifyCode', code });
    const ack = await client.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'hello',
    });

    // Assess
    expect(sent).toMatchObject({ channel: 'email', destination: 'c***@example.ru' });
    expect((await outboxFor(normalised)).at(-1)).toMatchObject({
      channel: 'email',
      subject: 'Your sign-in code for the support chat',
    });
    expect(verified).toMatchObject({ type: 'auth.verified' });
    expect(await getItem('CONVERSATIONS_TABLE', { conversationId: ack.conversationId })).toMatchObject({
      citizenId: verified.citizenId,
    });
  });

  it('stores neither the destination nor the code: only keyed hashes', async () => {
    // Prepare
    const client = await connect();
    const phone = newPhone();

    // Act
    const code = await requestAndReadCode(client, phone);
    const destinationKey = await hasher.destinationKey({ channel: 'sms', address: phone, identity: phone });
    const item = await getItem('VERIFICATION_CODES_TABLE', { destinationKey });

    // Assess
    expect(item).toMatchObject({ destinationKey, codeHash: expect.any(String), version: 1 });
    const stored = JSON.stringify(item);
    expect(stored).not.toContain(phone.slice(2));
    expect(stored).not.toContain(code);
  });

  it('keeps the phone for status SMS only for a citizen who opted in, once verified', async () => {
    // Prepare
    const [optedIn, notOptedIn] = [await connect(), await connect()];
    const [phone, otherPhone] = [newPhone(), newPhone()];

    // Act
    await optedIn.request({ action: 'auth.requestCode', phone, smsOptIn: true });
    const pendingSession = await getItem('SESSIONS_TABLE', {
      sessionId: String((await optedIn.request({ action: 'hello' })).sessionId),
    });
    const a = await optedIn.request({ action: 'auth.verifyCode', code: await codeSentTo(phone) });
    const b = await requestAndReadCode(notOptedIn, otherPhone).then((code) =>
      notOptedIn.request({ action: 'auth.verifyCode', code }),
    );
    const contacts = new DynamoSmsContactReader(config.sessionsTable);

    // Assess
    expect(pendingSession?.smsPhone).toBeUndefined();
    expect(await contacts.smsPhoneOf(String(a.citizenId))).toBe(phone);
    expect(await contacts.smsPhoneOf(String(b.citizenId))).toBeUndefined();
  });

  it('answers a replayed code with NOT_FOUND: a code verifies once', async () => {
    // Prepare
    const client = await connect();
    const code = await requestAndReadCode(client, newPhone());
    await client.request({ action: 'auth.verifyCode', code });

    // Act
    const replay = await client.request({ action: 'auth.verifyCode', code });

    // Assess
    expect(replay).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });
});

describe('limits', () => {
  it('answers an immediate resend with RATE_LIMITED and how long to wait', async () => {
    // Prepare
    const client = await connect();
    const phone = newPhone();
    await requestAndReadCode(client, phone);
    const other = await connect();

    // Act
    const resend = await other.request({ action: 'auth.requestCode', phone });

    // Assess
    expect(resend).toMatchObject({ type: 'error', code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(resend.retryAfter).toBeGreaterThan(50);
    expect(resend.retryAfter).toBeLessThanOrEqual(60);
    expect(await outboxFor(phone)).toHaveLength(1);
  });

  it('counts the spellings of one mailbox as one destination: case, dots and +tags of Gmail', async () => {
    // Prepare
    const login = `ivan.${randomUUID().slice(0, 8)}`;
    const spellings = [
      `${login.toUpperCase()}@GMail.com`,
      `${login}+chat@gmail.com`,
      `${login.replace('.', '')}@googlemail.com`,
    ];
    const first = await connect();
    const sent = await first.request({ action: 'auth.requestCode', email: `${login}@gmail.com` });
    expect(sent).toMatchObject({ type: 'auth.codeSent' });

    // Act: the same mailbox, spelled three other ways, from other sessions.
    const answers = [];
    for (const email of spellings) {
      const other = await connect();
      answers.push(await other.request({ action: 'auth.requestCode', email }));
    }

    // Assess: every one waits for the resend interval of the first; one code went out in all.
    for (const answer of answers) expect(answer).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    // (The outbox has each address as it was sent to: as typed, the domain lower-cased.)
    const sentTo = [`${login}@gmail.com`, ...spellings].map((e) => e.replace(/@.*/, (d) => d.toLowerCase()));
    const codes = await Promise.all(sentTo.map((email) => outboxFor(email)));
    expect(codes.flat()).toHaveLength(1);
  });

  it('locks a destination after three wrong codes, for the right code too and from another session', async () => {
    // Prepare
    const { client, token } = await guest();
    const phone = newPhone();
    const code = await requestAndReadCode(client, phone);

    // Act
    const first = await client.request({ action: 'auth.verifyCode', code: wrongCode(code) });
    const second = await client.request({ action: 'auth.verifyCode', code: wrongCode(code) });
    const third = await client.request({ action: 'auth.verifyCode', code: wrongCode(code) });
    const right = await client.request({ action: 'auth.verifyCode', code });
    const resumed = await connect({ token });
    const rightOnAnotherConnection = await resumed.request({ action: 'auth.verifyCode', code });
    const newSession = await connect();
    const newCode = await newSession.request({ action: 'auth.requestCode', phone });

    // Assess
    expect(first).toMatchObject({ type: 'error', code: 'INVALID_CODE', attemptsLeft: 2 });
    expect(second).toMatchObject({ type: 'error', code: 'INVALID_CODE', attemptsLeft: 1 });
    expect(third).toMatchObject({ type: 'error', code: 'LOCKED', retryAfter: 900 });
    for (const locked of [right, rightOnAnotherConnection, newCode]) {
      expect(locked).toMatchObject({ type: 'error', code: 'LOCKED' });
      expect(locked.retryAfter).toBeGreaterThan(890);
      expect(locked.retryAfter).toBeLessThanOrEqual(900);
    }
  });

  it('counts exactly three of ten wrong codes racing each other, then locks', async () => {
    // Prepare
    const client = await connect();
    const phone = newPhone();
    const code = await requestAndReadCode(client, phone);

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.request({ action: 'auth.verifyCode', code: wrongCode(code) }, 15_000),
      ),
    );

    // Assess
    const invalid = answers.filter((a) => a.code === 'INVALID_CODE').map((a) => a.attemptsLeft);
    expect(invalid.sort()).toEqual([1, 2]);
    expect(answers.filter((a) => a.code === 'LOCKED')).toHaveLength(8);
    const destinationKey = await hasher.destinationKey({ channel: 'sms', address: phone, identity: phone });
    expect(await getItem('VERIFICATION_CODES_TABLE', { destinationKey })).toMatchObject({
      failures: 0,
      lockedUntil: expect.any(Number),
    });
  });

  it('sends exactly one code when ten sessions ask for the same destination at once', async () => {
    // Prepare
    const phone = newPhone();
    const clients = await Promise.all(Array.from({ length: 10 }, () => connect()));

    // Act
    const answers = await Promise.all(
      clients.map((client) => client.request({ action: 'auth.requestCode', phone }, 15_000)),
    );

    // Assess
    expect(answers.filter((a) => a.type === 'auth.codeSent')).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'RATE_LIMITED')).toHaveLength(9);
    expect(await outboxFor(phone)).toHaveLength(1);
  });

  it('answers a flood of requests from one connection with RATE_LIMITED, whatever the destinations', async () => {
    // Prepare
    const client = await connect();
    const phones = Array.from({ length: 8 }, () => newPhone());

    // Act
    const answers = await Promise.all(
      phones.map((phone) => client.request({ action: 'auth.requestCode', phone })),
    );

    // Assess
    expect(answers.filter((a) => a.type === 'auth.codeSent')).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'RATE_LIMITED')).toHaveLength(7);
    const sent = await Promise.all(phones.map(outboxFor));
    expect(sent.flat()).toHaveLength(1);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['a malformed phone', { phone: '12-34' }, 'phone'],
    ['a landline', { phone: '+74951234567' }, 'phone'],
    ['a malformed e-mail', { email: 'not-an-address' }, 'email'],
    ['both a phone and an e-mail', { phone: '+79160000000', email: 'a@example.ru' }, 'phone'],
    ['neither', {}, 'phone'],
    ['an SMS opt-in with an e-mail', { email: 'a@example.ru', smsOptIn: true }, 'smsOptIn'],
  ])('answers %s with BAD_REQUEST and stores nothing', async (_, fields, field) => {
    // Prepare
    const client = await connect();
    const sessionId = String((await client.request({ action: 'hello' })).sessionId);

    // Act
    const answer = await client.request({ action: 'auth.requestCode', ...fields });

    // Assess
    expect(answer).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      details: [expect.objectContaining({ field })],
    });
    const session = await getItem('SESSIONS_TABLE', { sessionId });
    expect(session?.pendingDestinationKey).toBeUndefined();
    expect(session?.codeSends).toBeUndefined();
  });

  it.each([
    ['five digits', '12345'],
    ['seven digits', '1234567'],
    ['letters', '12a456'],
    ['a number instead of a string', 123456],
  ])('answers a code of %s with BAD_REQUEST and counts no attempt', async (_, code) => {
    // Prepare
    const client = await connect();
    const phone = newPhone();
    const right = await requestAndReadCode(client, phone);

    // Act
    const answer = await client.request({ action: 'auth.verifyCode', code });
    const verified = await client.request({ action: 'auth.verifyCode', code: right });

    // Assess
    expect(answer).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      details: [expect.objectContaining({ field: 'code' })],
    });
    expect(verified).toMatchObject({ type: 'auth.verified' });
  });

  it('answers a code in a session that asked for none with NOT_FOUND', async () => {
    // Prepare
    const client = await connect();

    // Act
    const answer = await client.request({ action: 'auth.verifyCode', code: '123456' });

    // Assess
    expect(answer).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });

  it('refuses a tampered citizen token with HTTP 401', async () => {
    // Prepare
    const client = await connect();
    const code = await requestAndReadCode(client, newPhone());
    const { resumeToken } = await client.request({ action: 'auth.verifyCode', code });
    const [header, payload, signature] = String(resumeToken).split('.');
    const claims = JSON.parse(Buffer.from(String(payload), 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');

    // Act
    const attempt = connect({ token: `${header}.${forged}.${signature}` });

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(401));
  });
});
