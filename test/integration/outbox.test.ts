/**
 * The outbox end to end on the local stack: a citizen message that was committed but whose bot job
 * `message.send` never queued (the crash window between the transaction and `SendMessage`) is still
 * answered, through the MessagesTable stream and the bot outbox; and a message whose job *was* queued
 * is answered exactly once although both paths send its job.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import type { BotJobQueue } from '#domain/ports/bot.ts';
import { sendCitizenMessage } from '#domain/use-cases/send-citizen-message.ts';
import type { Caller } from '#events/authorizer-context.ts';
import { useClients } from '../support/clients.ts';
import { tableNames } from '../support/emulator-env.ts';
import { storedMessages } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();

/**
 * The one fault injected by hand: SQS failing (or the function dying) right after the commit. No
 * emulator produces it on demand, so `message.send`'s use case runs here with a queue adapter that
 * throws; everything after it (stream, the bot outbox, bot queue, worker, gateway) is the local stack.
 */
class QueueThatDies implements BotJobQueue {
  async enqueue(): Promise<void> {
    throw new Error('the function died between the commit and SendMessage');
  }
}

/** `message.send`'s use case on the stack's own tables, with the queue send failing. */
function sendCommittingButNeverQueueing(caller: Caller, text: string) {
  const tables = tableNames();
  return sendCitizenMessage(
    {
      sessions: new DynamoSessionRepository(tables.sessionsTable),
      targets: new DynamoSessionTargetReader(tables),
      hints: new OpenConversationHints(),
      conversations: new DynamoConversationRepository(tables.conversationsTable),
      log: new DynamoConversationLog({ ...tables, compressBodies: true }),
      botJobs: new QueueThatDies(),
      attachments: new DynamoAttachmentRepository(tables),
      clock: systemClock,
      ids: randomIds,
      sleeper: timerSleeper,
      retentionDays: 30,
    },
    { caller, clientMessageId: randomUUID(), text },
  );
}

const botFrames = (client: ChatClient): Frame[] =>
  client.frames.filter((f) => f.type === 'message' && f.from === 'bot');

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Long enough for the stream path (a 250 ms shard read, then SQS and the worker) to have fired. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));

describe('the outbox', () => {
  it('answers a stored message whose bot job was never queued and that was never acked', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });
    const welcome = await client.request({ action: 'hello' });
    const sessionId = String(welcome.sessionId);
    const caller: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'ru' };

    // Act
    const sent = sendCommittingButNeverQueueing(caller, 'не могу вспомнить пароль от личного кабинета');
    await expect(sent).rejects.toThrow('died between the commit and SendMessage');
    await until(() => botFrames(client).length > 0);
    await settle();

    // Assess: over the WebSocket and in history, one reply to the one stored message.
    const [reply] = botFrames(client);
    expect(botFrames(client)).toHaveLength(1);
    expect(reply).toMatchObject({ seq: 2, from: 'bot', intent: 'auth.password_reset' });
    const stored = await storedMessages(String(reply?.conversationId));
    expect(stored.map((m) => [m.seq, m.from])).toEqual([
      [1, 'citizen'],
      [2, 'bot'],
    ]);
  });

  it('answers a normally sent message once although both the fast path and the stream queued its job', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });

    // Act
    const ack = await client.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'здравствуйте',
    });
    await until(() => botFrames(client).length > 0);
    await settle();

    // Assess
    expect(botFrames(client)).toHaveLength(1);
    const stored = await storedMessages(String(ack.conversationId));
    expect(stored.filter((m) => m.from === 'bot')).toHaveLength(1);
  });

  it('answers each of 20 concurrent messages exactly once, over the WebSocket and in history', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });
    const first = await client.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'здравствуйте',
    });
    await until(() => botFrames(client).length === 1);

    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.request({
          action: 'message.send',
          clientMessageId: randomUUID(),
          text: `здравствуйте ${i + 1}`,
        }),
      ),
    );
    await until(() => botFrames(client).length >= 21, 10_000);
    await settle();

    // Assess
    expect(new Set(botFrames(client).map((f) => f.seq)).size).toBe(21);
    expect(botFrames(client)).toHaveLength(21);
    const stored = await storedMessages(String(first.conversationId));
    expect(stored.filter((m) => m.from === 'bot')).toHaveLength(21);
    expect(stored.filter((m) => m.from === 'citizen')).toHaveLength(21);
  });
});
