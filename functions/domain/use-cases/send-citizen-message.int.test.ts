/**
 * `message.send` against DynamoDB Local (started by the test run's global setup): the gap-free seq
 * transaction, idempotency on clientMessageId, and the crash window between commit and queueing.
 * The bot queue is an in-memory port that records jobs (and can fail once), so that no bot worker
 * answers in between and the seq numbers stay the citizen's own.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import type { Caller } from '#events/authorizer-context.ts';
import type { BotJob } from '#events/bot-job.ts';
import { tablesWithoutOutbox } from '../../../test/support/emulator-env.ts';
import type { BotJobQueue } from '../ports/bot.ts';
import { expiresAfterDays } from '../retention.ts';
import { startSession } from '../sessions.ts';
import { sendCitizenMessage } from './send-citizen-message.ts';

class RecordingQueue implements BotJobQueue {
  readonly jobs: BotJob[] = [];
  failuresLeft = 0;

  async enqueue(job: BotJob): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('the process died before SendMessage');
    }
    this.jobs.push(job);
  }
}

describe('sending a citizen message (DynamoDB Local)', () => {
  async function setUp() {
    const tables = await tablesWithoutOutbox();
    const sessions = new DynamoSessionRepository(tables.sessionsTable);
    const botJobs = new RecordingQueue();
    const deps = {
      sessions,
      targets: new DynamoSessionTargetReader(tables),
      hints: new OpenConversationHints(),
      conversations: new DynamoConversationRepository(tables.conversationsTable),
      log: new DynamoConversationLog({ ...tables, compressBodies: true }),
      botJobs,
      attachments: new DynamoAttachmentRepository(tables),
      clock: systemClock,
      ids: randomIds,
      sleeper: timerSleeper,
      retentionDays: 30,
    };
    const sessionId = randomUUID();
    const caller: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'ru' };
    const now = new Date();
    await sessions.createIfAbsent(
      startSession({ sessionId, lang: 'ru', now, expiresAt: expiresAfterDays(now, 1) }),
    );
    const messages = new DynamoMessageRepository(tables.messagesTable);
    return { deps, caller, botJobs, messages, sessions };
  }

  it('numbers 20 concurrent messages of one session 1..20 in one conversation, with no gap', async () => {
    // Prepare
    const { deps, caller, messages } = await setUp();

    // Act
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendCitizenMessage(deps, { caller, clientMessageId: `c-${i}`, text: `вопрос ${i}` }),
      ),
    );

    // Assess
    const conversationIds = new Set(acks.map((ack) => ack.conversationId));
    expect(conversationIds.size).toBe(1);
    expect(acks.map((ack) => ack.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const [conversationId] = [...conversationIds] as [string];
    const stored = await messages.listAfter(conversationId, 0, 100);
    expect(stored.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(stored.hasMore).toBe(false);
    expect((await deps.conversations.get(conversationId))?.lastSeq).toBe(20);
  });

  it('answers two racing sends of one clientMessageId with byte-identical acks and stores one message', async () => {
    // Prepare
    const { deps, caller, messages, botJobs } = await setUp();
    const send = () => sendCitizenMessage(deps, { caller, clientMessageId: 'same', text: 'привет' });

    // Act
    const [first, second] = await Promise.all([send(), send()]);

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const stored = await messages.listAfter(first.conversationId, 0, 100);
    expect(stored.messages).toHaveLength(1);
    expect(new Set(botJobs.jobs.map((job) => job.messageId))).toEqual(new Set([first.messageId]));
  });

  it('re-queues the bot job on a resend after a crash between commit and queueing, storing nothing twice', async () => {
    // Prepare
    const { deps, caller, messages, botJobs } = await setUp();
    botJobs.failuresLeft = 1;
    const send = () =>
      sendCitizenMessage(deps, { caller, clientMessageId: 'crash', text: 'где моё заявление' });
    await expect(send()).rejects.toThrow('the process died before SendMessage');

    // Act
    const ack = await send();

    // Assess
    expect(botJobs.jobs).toEqual([
      {
        conversationId: ack.conversationId,
        messageId: ack.messageId,
        seq: 1,
        sessionId: caller.sessionId,
        lang: 'ru',
      },
    ]);
    expect((await messages.listAfter(ack.conversationId, 0, 100)).messages).toHaveLength(1);
  });

  it('opens a conversation with the bot and makes it the session’s open conversation', async () => {
    // Prepare
    const { deps, caller, sessions } = await setUp();

    // Act
    const ack = await sendCitizenMessage(deps, { caller, clientMessageId: 'first', text: 'здравствуйте' });

    // Assess
    expect((await sessions.get(caller.sessionId))?.openConversationId).toBe(ack.conversationId);
    expect(await deps.conversations.get(ack.conversationId)).toMatchObject({
      state: 'bot',
      lastSeq: 1,
      sessionId: caller.sessionId,
    });
  });

  it('stores nothing for a text that is empty after trimming', async () => {
    // Prepare
    const { deps, caller, sessions, botJobs } = await setUp();

    // Act
    const sending = sendCitizenMessage(deps, { caller, clientMessageId: 'blank', text: '   ' });

    // Assess
    await expect(sending).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await sessions.get(caller.sessionId))?.openConversationId).toBeUndefined();
    expect(botJobs.jobs).toEqual([]);
  });
});
