/**
 * A citizen who used two devices (two sessions) finds both in their transcript (`transcript.get`,
 * docs/protocol.md "Your conversations"): the conversation only the bot answered on the one, and
 * the escalated one (its ticket opened before they identified) on the other.
 *
 * On a stack of its own whose codes may be sent to one destination again after 2 s, not 60: the
 * second device identifies with the same e-mail as the first, which the production interval would
 * make this test wait a minute for (the interval itself: identification.test.ts, which runs with
 * the production settings on the shared stack).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queuedCitizen } from '../support/assignment.ts';
import { uniqueEmail, verifyByEmail } from '../support/citizens.ts';
import { frameWith } from '../support/frames.ts';
import { ownStackBaseEnv, type RunningLocalStack, startLocalStackProcess } from '../support/local-stack.ts';
import { ChatClient } from '../support/ws-client.ts';

const RESEND_SECONDS = 2;

let stack: RunningLocalStack;
const open: ChatClient[] = [];

beforeAll(async () => {
  stack = await startLocalStackProcess({
    env: { LOG_LEVEL: 'ERROR', AUTH_RESEND_INTERVAL_SECONDS: String(RESEND_SECONDS) },
    baseEnv: ownStackBaseEnv(),
    timeoutMs: 120_000,
  });
}, 150_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await stack?.stop();
});

async function connect(query: Record<string, string>): Promise<ChatClient> {
  const client = await ChatClient.connect(stack.wsUrl, query);
  open.push(client);
  return client;
}

describe('a citizen downloads their conversations', () => {
  it('holds every session of the citizen: a bot-only conversation on one device, an escalated one (ticket opened as a guest) on another', async () => {
    // Prepare: the first device, verified, asks the bot only.
    const email = uniqueEmail('two-devices');
    const botOnly = `бот-вопрос ${randomUUID()}`;
    const phone = await connect({ lang: 'ru' });
    await verifyByEmail(phone, stack.httpUrl, email);
    const firstVerifiedAt = Date.now();
    const asked = await phone.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: botOnly,
    });
    await frameWith(
      phone,
      (f) => f.type === 'message' && f.from === 'bot' && f.conversationId === asked.conversationId,
    );
    // The second device: as a guest it writes and is queued for a person (a ticket of the session
    // only), then identifies with the same e-mail once a code may be sent to it again.
    const laptop = await connect({ lang: 'ru' });
    const { update } = await queuedCitizen(laptop);
    await delay(Math.max(0, firstVerifiedAt + (RESEND_SECONDS + 1) * 1000 - Date.now()));
    await verifyByEmail(laptop, stack.httpUrl, email);

    // Act
    const download = await laptop.request({ action: 'transcript.get' });
    const html = await (await fetch(String(download.url))).text();

    // Assess
    expect(download).toMatchObject({ type: 'transcript.download', conversations: 2, tickets: 1 });
    expect(html).toContain(botOnly);
    expect(html).toContain('не могу войти в личный кабинет');
    expect(html).toContain(String((update.ticket as { number: string }).number));
  }, 60_000);
});
