/**
 * Per-client limits (docs/protocol.md, "Limits per client") on a local stack of its own, started
 * with small limits through the environment (`LIMIT_*`, as `npm start` takes them). Each case
 * connects from its own loopback address, which the local gateway passes on as
 * `requestContext.identity.sourceIp`, as API Gateway does: another address is another client.
 * Connects over a limit are refused by the `$connect` authorizer (HTTP 403); frames, handovers and
 * code requests are answered `RATE_LIMITED` with `retryAfter`; form posts `429` with `Retry-After`.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownStackBaseEnv, type RunningLocalStack, startLocalStackProcess } from '../support/local-stack.ts';
import { ChatClient, type Frame, UpgradeRefusedError } from '../support/ws-client.ts';

let stack: RunningLocalStack;
const open: ChatClient[] = [];

const LIMITS = {
  LIMIT_CONNECTS_PER_IP: '5',
  LIMIT_CONNECTS_PER_SESSION: '3',
  LIMIT_FRAMES_PER_CONNECTION: '8',
  LIMIT_FRAMES_PER_SESSION: '12',
  LIMIT_FRAMES_PER_IP: '20',
  LIMIT_OPERATOR_REQUESTS_PER_SESSION: '2',
  LIMIT_OPERATOR_REQUESTS_PER_IP: '3',
  LIMIT_CODE_REQUESTS_PER_IP: '2',
  LIMIT_FORM_POSTS_PER_IP: '3',
  LIMIT_FORM_POSTS_PER_CONTACT: '2',
};

beforeAll(async () => {
  stack = await startLocalStackProcess({
    env: { LOG_LEVEL: 'ERROR', ...LIMITS },
    baseEnv: ownStackBaseEnv(),
    timeoutMs: 120_000,
  });
}, 150_000);

afterAll(async () => {
  await Promise.all(open.map((client) => client.close()));
  await stack?.stop();
});

/** A loopback address of its own for each case (the whole 127.0.0.0/8 reaches the stack). */
let nextAddress = 10 + Math.floor(Math.random() * 200);
const newAddress = () => `127.0.0.${nextAddress++}`;

async function connectFrom(localAddress: string, query: Record<string, string> = {}): Promise<ChatClient> {
  const client = await ChatClient.connect(stack.wsUrl, query, { localAddress });
  open.push(client);
  return client;
}

/** Waits out the last seconds of a minute window, so a case's counts fall into one window. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = (Date.now() / 1000) % 60;
  if (intoMinute > 50) await new Promise((resolve) => setTimeout(resolve, (61 - intoMinute) * 1000));
}

const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 'admitted',
    (error: unknown) => (error instanceof UpgradeRefusedError ? error.status : String(error)),
  );

const expectRateLimited = (frame: Frame, windowSeconds: number) => {
  expect(frame).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
  expect(frame.retryAfter).toBeGreaterThanOrEqual(1);
  expect(frame.retryAfter).toBeLessThanOrEqual(windowSeconds);
};

/** `POST /feedback` from `localAddress`. */
function postForm(
  localAddress: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  const url = new URL('/feedback', stack.httpUrl);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    sent.on('error', reject);
    sent.end(text);
  });
}

describe('connects', () => {
  it('refuses the sixth connect of a minute from one address with HTTP 403; another address still connects', async () => {
    // Prepare
    await awayFromMinuteEdge();
    const address = newAddress();

    // Act
    const outcomes: unknown[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await refusal(connectFrom(address)));
    const elsewhere = await refusal(connectFrom(newAddress()));

    // Assess
    expect(outcomes).toEqual(['admitted', 'admitted', 'admitted', 'admitted', 'admitted', 403]);
    expect(elsewhere).toBe('admitted');
  });

  it('refuses the fourth reconnect of one session in a minute with HTTP 403', async () => {
    // Prepare
    await awayFromMinuteEdge();
    const address = newAddress();
    const guest = await connectFrom(address);
    const { resumeToken } = await guest.request({ action: 'hello' });

    // Act
    const outcomes: unknown[] = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(await refusal(connectFrom(address, { token: String(resumeToken) })));

    // Assess
    expect(outcomes).toEqual(['admitted', 'admitted', 'admitted', 403]);
  });
});

describe('frames', () => {
  it('answers RATE_LIMITED past 8 frames a minute on a connection and past 12 on its session, counting refused frames too', async () => {
    // Prepare
    await awayFromMinuteEdge();
    const address = newAddress();
    const first = await connectFrom(address);
    const { resumeToken } = await first.request({ action: 'hello' });
    const second = await connectFrom(address, { token: String(resumeToken) });

    // Act: a guest's ticket.list is refused (UNAUTHORIZED), and counted all the same.
    const onFirst: Frame[] = [];
    for (let i = 0; i < 8; i++) onFirst.push(await first.request({ action: 'ticket.list' }));
    const onSecond: Frame[] = [];
    for (let i = 0; i < 5; i++) onSecond.push(await second.request({ action: 'ticket.list' }));

    // Assess: hello and 7 more on the first connection, then its 9th frame; the session's 13th.
    expect(onFirst.slice(0, 7).map((f) => f.code)).toEqual(Array(7).fill('UNAUTHORIZED'));
    expectRateLimited(onFirst[7] as Frame, 60);
    expect(onSecond.slice(0, 4).map((f) => f.code)).toEqual(Array(4).fill('UNAUTHORIZED'));
    expectRateLimited(onSecond[4] as Frame, 60);
  });

  it('counts message.send in the message’s own transaction: a message, a resend and a bad one count alike, and the one past the limit stores nothing', async () => {
    // Prepare
    await awayFromMinuteEdge();
    const address = newAddress();
    const client = await connectFrom(address);
    const { resumeToken } = await client.request({ action: 'hello' });
    const send = (clientMessageId: string, text: string) =>
      client.request({ action: 'message.send', clientMessageId, text }, 10_000);

    // Act: hello, 5 messages, a resend of the first, an empty one: 8 frames on the connection.
    const firstId = randomUUID();
    const acks: Frame[] = [await send(firstId, 'как узнать статус заявления')];
    for (let i = 1; i < 5; i++) acks.push(await send(randomUUID(), `вопрос ${i}`));
    const resent = await send(firstId, 'как узнать статус заявления');
    const empty = await send(randomUUID(), '   ');
    const over = await send(randomUUID(), 'ещё вопрос');

    // Assess
    expect(acks.map((a) => a.type)).toEqual(Array(5).fill('message.ack'));
    expect(resent).toMatchObject({ type: 'message.ack', messageId: acks[0]?.messageId });
    expect(empty).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expectRateLimited(over, 60);
    const other = await connectFrom(address, { token: String(resumeToken) });
    const history = await other.request({ action: 'history.get', conversationId: acks[0]?.conversationId });
    const messages = (history.messages ?? []) as { from: string }[];
    expect(messages.filter((m) => m.from === 'citizen')).toHaveLength(5);
  });

  it('answers RATE_LIMITED past 20 frames a minute from one address, whatever its sessions', async () => {
    // Prepare
    await awayFromMinuteEdge();
    const address = newAddress();
    const clients = [await connectFrom(address), await connectFrom(address), await connectFrom(address)];

    // Act: 7 frames on each of three sessions (each under its own limits), 21 in all.
    const answers: Frame[] = [];
    for (const client of clients) {
      for (let i = 0; i < 7; i++) answers.push(await client.request({ action: 'ticket.list' }));
    }

    // Assess
    expect(answers.slice(0, 20).map((f) => f.code)).toEqual(Array(20).fill('UNAUTHORIZED'));
    expectRateLimited(answers[20] as Frame, 60);
  });
});

describe('costly actions', () => {
  it('limits operator.request to 2 an hour per session and 3 per address', async () => {
    // Prepare
    const address = newAddress();
    const [a, b] = [await connectFrom(address), await connectFrom(address)] as [ChatClient, ChatClient];

    // Act
    const fromA: Frame[] = [];
    for (let i = 0; i < 3; i++) fromA.push(await a.request({ action: 'operator.request' }));
    const fromB: Frame[] = [];
    for (let i = 0; i < 2; i++) fromB.push(await b.request({ action: 'operator.request' }));

    // Assess
    expect(fromA.slice(0, 2).map((f) => f.type)).toEqual(['conversation.updated', 'conversation.updated']);
    expectRateLimited(fromA[2] as Frame, 3600);
    expect(fromB[0]).toMatchObject({ type: 'conversation.updated' });
    expectRateLimited(fromB[1] as Frame, 3600);
  });

  it('limits auth.requestCode to 2 an hour per address, across sessions and destinations', async () => {
    // Prepare
    const address = newAddress();
    const sessions = [await connectFrom(address), await connectFrom(address), await connectFrom(address)];

    // Act
    const answers: Frame[] = [];
    for (const session of sessions) {
      answers.push(
        await session.request({ action: 'auth.requestCode', email: `limits-${randomUUID()}@example.org` }),
      );
    }

    // Assess
    expect(answers.slice(0, 2).map((f) => f.type)).toEqual(['auth.codeSent', 'auth.codeSent']);
    expectRateLimited(answers[2] as Frame, 3600);
  });
});

describe("the portal's form", () => {
  it('answers 429 RATE_LIMITED with Retry-After past 3 posts an hour from one address, storing nothing', async () => {
    // Prepare
    const address = newAddress();

    // Act
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await postForm(address, { contact: `form-${randomUUID()}@example.org`, text: 'Вопрос' }));
    }

    // Assess
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
    expect(answers[3]?.body).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(Number(answers[3]?.headers['retry-after'])).toBe(answers[3]?.body.retryAfter);
    expect(answers[3]?.body.ticketId).toBeUndefined();
  });

  it('answers 429 past 2 posts a day naming one contact, from any address', async () => {
    // Prepare
    const contact = `+7916${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;

    // Act
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await postForm(newAddress(), { contact, text: 'Вопрос' }));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([201, 201, 429]);
    expect(answers[2]?.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(answers[2]?.body.retryAfter).toBeLessThanOrEqual(86_400);
  });
});
