/**
 * The bot worker's use case against DynamoDB Local (started by the test run's global setup): the
 * reply gets the next seq exactly once however often the job is delivered, and reaches every
 * connection of the session. The bot and the `@connections` API are in-memory ports here: the bot
 * so that answers are fixed, the notifier so that a connection can be made to answer 410 Gone.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import type { Caller } from '#events/authorizer-context.ts';
import type { BotJob } from '#events/bot-job.ts';
import type { MessageFrame } from '#events/server-frames.ts';
import { tableNames } from '../../../test/support/emulator-env.ts';
import type { BotAnswer, BotJobQueue, ConnectionNotifier, DeliveryOutcome, Responder } from '../ports.ts';
import { expiresAfterDays, expiresAfterSeconds } from '../retention.ts';
import { startSession } from '../sessions.ts';
import { answerCitizenMessage } from './answer-citizen-message.ts';
import { sendCitizenMessage } from './send-citizen-message.ts';

class RecordingQueue implements BotJobQueue {
  readonly jobs: BotJob[] = [];
  async enqueue(job: BotJob): Promise<void> {
    this.jobs.push(job);
  }
}

class RecordingNotifier implements ConnectionNotifier {
  readonly posts: { connectionId: string; frame: MessageFrame }[] = [];
  readonly gone = new Set<string>();
  async post(connectionId: string, frame: MessageFrame): Promise<DeliveryOutcome> {
    if (this.gone.has(connectionId)) return 'gone';
    this.posts.push({ connectionId, frame });
    return 'delivered';
  }
}

const passwordAnswer: BotAnswer = {
  intent: 'auth.password_reset',
  confidence: 0.93,
  text: 'Нажмите «Забыли пароль?» на странице входа.',
  suggestions: [{ intent: 'auth.account_locked', title: 'Учётная запись заблокирована' }],
  escalate: false,
  category: 'auth',
  needsIdentification: false,
};

class FixedBot implements Responder {
  readonly contexts: unknown[] = [];
  constructor(private readonly answer: BotAnswer = passwordAnswer) {}
  reply(input: Parameters<Responder['reply']>[0]): BotAnswer {
    this.contexts.push(input.context);
    return this.answer;
  }
}

describe('the bot answering a citizen message (DynamoDB Local)', () => {
  const tables = tableNames();

  async function setUp(bot: FixedBot = new FixedBot()) {
    if (!tables) throw new Error('unreachable: emulators are running');
    const sessions = new DynamoSessionRepository(tables.sessionsTable);
    const connections = new DynamoConnectionRepository(tables.connectionsTable);
    const conversations = new DynamoConversationRepository(tables.conversationsTable);
    const messages = new DynamoMessageRepository(tables.messagesTable);
    const log = new DynamoConversationLog(tables);
    const queue = new RecordingQueue();
    const notifier = new RecordingNotifier();
    const common = { clock: systemClock, ids: randomIds, sleeper: timerSleeper, retentionDays: 30 };

    const sessionId = randomUUID();
    const caller: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'ru' };
    const now = new Date();
    await sessions.createIfAbsent(
      startSession({ sessionId, lang: 'ru', now, expiresAt: expiresAfterDays(now, 1) }),
    );
    for (const connectionId of ['phone', 'laptop']) {
      await connections.save({
        connectionId: `${connectionId}-${sessionId}`,
        principalId: sessionId,
        sessionId,
        role: 'guest',
        lang: 'ru',
        connectedAt: now.toISOString(),
        expiresAt: expiresAfterSeconds(now, 3600),
      });
    }
    const targets = new DynamoSessionTargetReader(tables);
    const hints = new OpenConversationHints();
    const send = (text: string) =>
      sendCitizenMessage(
        { sessions, targets, hints, conversations, log, botJobs: queue, ...common },
        { caller, clientMessageId: randomUUID(), text },
      );
    const jobContext = new DynamoBotJobContextReader(tables);
    const deps = {
      jobContext,
      messages,
      conversations,
      connections,
      log,
      notifier,
      responder: bot,
      ...common,
    };
    return { deps, send, queue, notifier, messages, conversations, connections, sessionId };
  }

  it('stores the reply with the next seq and delivers it to every connection of the session', async () => {
    // Prepare
    const { deps, send, queue, notifier, messages, sessionId } = await setUp();
    const ack = await send('забыл пароль');
    const [job] = queue.jobs as [BotJob];

    // Act
    const outcome = await answerCitizenMessage(deps, job);

    // Assess
    expect(outcome.status).toBe('answered');
    const reply = await messages.get(ack.conversationId, 2);
    expect(reply).toMatchObject({
      from: 'bot',
      seq: 2,
      intent: 'auth.password_reset',
      confidence: 0.93,
      escalate: false,
      category: 'auth',
    });
    expect(notifier.posts.map((p) => p.connectionId).sort()).toEqual([
      `laptop-${sessionId}`,
      `phone-${sessionId}`,
    ]);
    expect(notifier.posts[0]?.frame).toEqual({
      type: 'message',
      conversationId: ack.conversationId,
      messageId: reply?.messageId,
      seq: 2,
      from: 'bot',
      text: passwordAnswer.text,
      ts: reply?.ts,
      intent: 'auth.password_reset',
      confidence: 0.93,
      suggestions: passwordAnswer.suggestions,
    });
  });

  it('neither duplicates nor skips a seq when the job is delivered again, and delivers the stored reply again', async () => {
    // Prepare
    const { deps, send, queue, notifier, messages } = await setUp();
    const ack = await send('забыл пароль');
    const [job] = queue.jobs as [BotJob];
    await answerCitizenMessage(deps, job);

    // Act
    const again = await answerCitizenMessage(deps, job);
    const next = await send('а ещё вопрос');

    // Assess
    expect(again.status).toBe('redelivered');
    expect(notifier.posts).toHaveLength(4);
    expect(next.seq).toBe(3);
    const page = await messages.listAfter(ack.conversationId, 0, 100);
    expect(page.messages.map((m) => [m.seq, m.from])).toEqual([
      [1, 'citizen'],
      [2, 'bot'],
      [3, 'citizen'],
    ]);
  });

  it('stores one reply when the same job is processed twice at once', async () => {
    // Prepare
    const { deps, send, queue, messages } = await setUp();
    const ack = await send('забыл пароль');
    const [job] = queue.jobs as [BotJob];

    // Act
    const outcomes = await Promise.all([answerCitizenMessage(deps, job), answerCitizenMessage(deps, job)]);

    // Assess
    expect(outcomes.filter((o) => o.status === 'answered')).toHaveLength(1);
    const page = await messages.listAfter(ack.conversationId, 0, 100);
    expect(page.messages.filter((m) => m.from === 'bot')).toHaveLength(1);
  });

  it('removes a connection that answers 410 Gone and still delivers to the others', async () => {
    // Prepare
    const { deps, send, queue, notifier, connections, sessionId } = await setUp();
    await send('забыл пароль');
    notifier.gone.add(`phone-${sessionId}`);

    // Act
    const outcome = await answerCitizenMessage(deps, queue.jobs[0] as BotJob);

    // Assess
    expect(outcome).toMatchObject({ status: 'answered', delivery: { delivered: 1, gone: 1, failed: 0 } });
    const left = await connections.listByPrincipal(sessionId);
    expect(left.map((c) => c.connectionId)).toEqual([`laptop-${sessionId}`]);
  });

  it('tells the bot how many fallbacks came in a row and what it answered last', async () => {
    // Prepare
    const bot = new FixedBot({ ...passwordAnswer, intent: 'fallback', confidence: 0.1 });
    const { deps, send, queue } = await setUp(bot);
    await send('абракадабра');
    await answerCitizenMessage(deps, queue.jobs[0] as BotJob);
    await send('ещё абракадабра');

    // Act
    await answerCitizenMessage(deps, queue.jobs[1] as BotJob);

    // Assess
    expect(bot.contexts).toEqual([
      { lastBotIntent: undefined, consecutiveFallbacks: 0, verified: false },
      { lastBotIntent: 'fallback', consecutiveFallbacks: 1, verified: false },
    ]);
  });
});
