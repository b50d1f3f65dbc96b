/**
 * The bot worker's use case against DynamoDB Local (started by the test run's global setup): the
 * reply gets the next seq exactly once however often the job is delivered, and reaches every
 * connection of the session. The bot and the `@connections` API are in-memory ports here: the bot
 * so that answers are fixed, the notifier so that a connection can be made to answer 410 Gone.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
import { DynamoFollowUpLedger } from '#adapters/dynamodb/follow-up-ledger.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import type { BotJob } from '#events/bot-job.ts';
import { repoPath } from '../../../infra/paths.ts';
import {
  guestOnTwoDevices,
  RecordingEscalations,
  RecordingQueue,
  TURN_SETTINGS,
} from '../../../test/support/bot-turn-fixture.ts';
import type { BotAnswer, Responder } from '../ports/bot.ts';
import type { ConnectionNotifier, DeliveryOutcome, PushedFrame } from '../ports/delivery.ts';
import { answerCitizenMessage } from './answer-citizen-message.ts';
import { queuePendingQuestion } from './queue-pending-question.ts';
import { sendCitizenMessage } from './send-citizen-message.ts';

const { dialogue } = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));

class RecordingNotifier implements ConnectionNotifier {
  readonly posts: { connectionId: string; frame: PushedFrame }[] = [];
  readonly gone = new Set<string>();
  async post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome> {
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
  async function setUp(bot: FixedBot = new FixedBot()) {
    const { tables, sessions, connections, conversations, messages, log, sessionId, caller } =
      await guestOnTwoDevices();
    const queue = new RecordingQueue();
    const notifier = new RecordingNotifier();
    const escalations = new RecordingEscalations();
    const common = TURN_SETTINGS;
    const targets = new DynamoSessionTargetReader(tables);
    const hints = new OpenConversationHints();
    const send = (text: string) =>
      sendCitizenMessage(
        {
          sessions,
          targets,
          hints,
          conversations,
          log,
          botJobs: queue,
          attachments: new DynamoAttachmentRepository(tables),
          ...common,
        },
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
      escalations,
      ledger: new DynamoFollowUpLedger(tables.conversationsTable),
      responder: bot,
      dialogue,
      ...common,
    };
    return {
      deps,
      send,
      queue,
      notifier,
      escalations,
      messages,
      conversations,
      connections,
      sessionId,
      sessions,
      tables,
    };
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

  describe('a guest’s question that needs identification', () => {
    const statusAnswer: BotAnswer = {
      intent: 'application.status',
      confidence: 0.9,
      text: 'Чтобы узнать статус заявления, подтвердите, что это вы.',
      suggestions: [],
      escalate: false,
      category: 'applications',
      needsIdentification: true,
    };

    /** The bot answers the status question, then a password question. */
    class ScriptedBot extends FixedBot {
      private readonly script: BotAnswer[] = [statusAnswer, passwordAnswer];
      override reply(input: Parameters<Responder['reply']>[0]): BotAnswer {
        super.reply(input);
        return this.script.shift() ?? passwordAnswer;
      }
    }

    /** The session identified, as `auth.verifyCode` leaves it (its own transaction is tested elsewhere). */
    async function verify(sessionId: string, sessionsTable: string): Promise<void> {
      await documentClient.send(
        new UpdateCommand({
          TableName: sessionsTable,
          Key: { sessionId },
          UpdateExpression: 'SET verified = :true, citizenId = :citizenId',
          ExpressionAttributeValues: { ':true': true, ':citizenId': `citizen-${sessionId}` },
        }),
      );
    }

    it('remembers it on the conversation (not the session), keeps it through other turns, and answers it once after identification', async () => {
      // Prepare: the guest asks for their application's status and is invited to identify.
      const { deps, send, queue, conversations, messages, sessionId, sessions, tables } = await setUp(
        new ScriptedBot(),
      );
      const ack = await send('где мой загранпаспорт?');
      await answerCitizenMessage(deps, queue.jobs[0] as BotJob);
      const remembered = (await conversations.get(ack.conversationId))?.pendingQuestion;
      expect(remembered).toMatchObject({
        conversationId: ack.conversationId,
        messageId: ack.messageId,
        seq: ack.seq,
        lang: 'ru',
      });
      expect(remembered?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 1700);
      expect((await sessions.get(sessionId))?.pendingQuestion).toBeUndefined();
      // Another question meanwhile leaves it as it is.
      await send('забыл пароль');
      await answerCitizenMessage(deps, queue.jobs[1] as BotJob);
      expect((await conversations.get(ack.conversationId))?.pendingQuestion).toEqual(remembered);

      // Act: the guest identifies; the question is queued again and answered.
      await verify(sessionId, tables.sessionsTable);
      const queueDeps = { sessions, conversations, botJobs: queue, clock: deps.clock };
      expect(await queuePendingQuestion(queueDeps, sessionId)).toBe('queued');
      const afterIdentification = queue.jobs[2] as BotJob;
      const outcome = await answerCitizenMessage(deps, afterIdentification);

      // Assess: answered for the citizen at the next seq, the question forgotten: never twice.
      expect(afterIdentification).toMatchObject({ messageId: ack.messageId, afterIdentification: true });
      expect(outcome).toMatchObject({ status: 'answered', reply: { seq: 5 } });
      expect((await conversations.get(ack.conversationId))?.pendingQuestion).toBeUndefined();
      expect(await queuePendingQuestion(queueDeps, sessionId)).toBe('none');
      expect((await answerCitizenMessage(deps, afterIdentification)).status).not.toBe('answered');
      const stored = (await messages.listAfter(ack.conversationId, 0, 10)).messages;
      expect(stored.map((m) => [m.seq, m.from])).toEqual([
        [1, 'citizen'],
        [2, 'bot'],
        [3, 'citizen'],
        [4, 'bot'],
        [5, 'bot'],
      ]);
    });

    it('forgets a question nobody identified for once it has expired, with the next turn', async () => {
      // Prepare: the question remembered, then past its time.
      const { deps, send, queue, conversations, tables } = await setUp(new ScriptedBot());
      const ack = await send('где мой загранпаспорт?');
      await answerCitizenMessage(deps, queue.jobs[0] as BotJob);
      await documentClient.send(
        new UpdateCommand({
          TableName: tables.conversationsTable,
          Key: { conversationId: ack.conversationId },
          UpdateExpression: 'SET pendingQuestion.expiresAt = :past',
          ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
        }),
      );
      await send('забыл пароль');

      // Act
      const outcome = await answerCitizenMessage(deps, queue.jobs[1] as BotJob);

      // Assess
      expect(outcome.status).toBe('answered');
      const conversation = await conversations.get(ack.conversationId);
      expect(conversation?.pendingQuestion).toBeUndefined();
      expect(conversation?.lastBotIntent).toBe('auth.password_reset');
    });

    it('answers a question an earlier version remembered on the session, once, while it is live', async () => {
      // Prepare: a question asked, remembered where versions before this one kept it.
      const { deps, send, queue, conversations, sessionId, sessions, tables } = await setUp();
      const ack = await send('где мой загранпаспорт?');
      await answerCitizenMessage(deps, queue.jobs[0] as BotJob);
      await documentClient.send(
        new UpdateCommand({
          TableName: tables.sessionsTable,
          Key: { sessionId },
          UpdateExpression: 'SET pendingQuestion = :question',
          ExpressionAttributeValues: {
            ':question': {
              conversationId: ack.conversationId,
              messageId: ack.messageId,
              seq: ack.seq,
              lang: 'ru',
              expiresAt: Math.floor(Date.now() / 1000) + 600,
            },
          },
        }),
      );
      await verify(sessionId, tables.sessionsTable);
      const queueDeps = { sessions, conversations, botJobs: queue, clock: deps.clock };

      // Act
      const queued = await queuePendingQuestion(queueDeps, sessionId);
      const first = await answerCitizenMessage(deps, queue.jobs[1] as BotJob);
      const again = await answerCitizenMessage(deps, queue.jobs[1] as BotJob);

      // Assess
      expect(queued).toBe('queued');
      expect(queue.jobs[1]).toMatchObject({ messageId: ack.messageId, afterIdentification: true });
      expect(first).toMatchObject({ status: 'answered', reply: { seq: 3 } });
      expect(again.status).not.toBe('answered');
    });
  });

  describe('handing over to a person', () => {
    const complaint: BotAnswer = {
      intent: 'legal.complaint',
      confidence: 0.95,
      text: 'Жалобу поможет составить специалист. Передаю разговор.',
      suggestions: [],
      escalate: true,
      category: 'legal',
      needsIdentification: false,
      escalationReason: 'operator_only',
      intakeService: 'Жалоба',
    };

    it('sends the handover with its intent, then the first intake question, and records the intake', async () => {
      // Prepare
      const { deps, send, queue, notifier, escalations, conversations, messages, sessionId } = await setUp(
        new FixedBot(complaint),
      );
      const ack = await send('хочу подать жалобу на сотрудника МФЦ');

      // Act
      const outcome = await answerCitizenMessage(deps, queue.jobs[0] as BotJob);

      // Assess
      expect(outcome).toMatchObject({ status: 'answered', reply: { seq: 2, intent: 'legal.complaint' } });
      const stored = (await messages.listAfter(ack.conversationId, 0, 10)).messages;
      expect(stored.map((m) => [m.seq, m.from, m.intent])).toEqual([
        [1, 'citizen', undefined],
        [2, 'bot', 'legal.complaint'],
        [3, 'bot', undefined],
      ]);
      // The complaint itself is the problem: the first question is the service, never the problem.
      expect(stored[2]?.text).toBe(dialogue.intake.service.ru);
      const conversation = await conversations.get(ack.conversationId);
      expect(conversation).toMatchObject({ state: 'bot', lastSeq: 3, intake: { reason: 'operator_only' } });
      expect(conversation?.intake?.state.intake.problem).toBe('хочу подать жалобу на сотрудника МФЦ');
      expect(escalations.events).toEqual([]);
      const toPhone = notifier.posts.filter((p) => p.connectionId === `phone-${sessionId}`);
      expect(toPhone.map((p) => ('seq' in p.frame ? p.frame.seq : p.frame.type))).toEqual([2, 3]);
    });

    it('queues the conversation with the intake once the last question is answered, and publishes it once', async () => {
      // Prepare
      const { deps, send, queue, notifier, escalations, conversations, sessionId } = await setUp(
        new FixedBot(complaint),
      );
      const ack = await send('хочу подать жалобу на сотрудника МФЦ');
      await answerCitizenMessage(deps, queue.jobs[0] as BotJob);
      for (const answer of ['запись в МФЦ', '12.11.2026 10:30']) {
        await send(answer);
        await answerCitizenMessage(deps, queue.jobs.at(-1) as BotJob);
      }
      await send('пропустить');

      // Act
      const outcome = await answerCitizenMessage(deps, queue.jobs.at(-1) as BotJob);
      const redelivered = await answerCitizenMessage(deps, queue.jobs.at(-1) as BotJob);

      // Assess
      expect(outcome).toMatchObject({ status: 'answered', escalation: { attempt: 1 } });
      expect(redelivered.status).toBe('redelivered');
      const conversation = await conversations.get(ack.conversationId);
      expect(conversation).toMatchObject({ state: 'queued', category: 'legal' });
      expect(conversation?.intake).toBeUndefined();
      const expected = {
        conversationId: ack.conversationId,
        sessionId,
        attempt: 1,
        category: 'legal',
        reason: 'operator_only',
        intent: 'legal.complaint',
        intake: {
          service: 'запись в МФЦ',
          problem: 'хочу подать жалобу на сотрудника МФЦ',
          occurredAt: '12.11.2026 10:30',
        },
        lang: 'ru',
        escalatedAt: expect.any(String),
      };
      expect(conversation?.escalation?.event).toEqual(expected);
      // Published again on redelivery (the first may have crashed before it): the queue deduplicates.
      expect(escalations.events).toEqual([expected, expected]);
      const updates = notifier.posts.filter((p) => p.frame.type === 'conversation.updated');
      expect(updates.map((p) => p.frame)).toContainEqual({
        type: 'conversation.updated',
        conversationId: ack.conversationId,
        state: 'queued',
      });
    });

    it('leaves a message sent after the conversation was queued to the operator: no bot answer', async () => {
      // Prepare
      const { deps, send, queue, messages } = await setUp(new FixedBot(complaint));
      const ack = await send('хочу подать жалобу на сотрудника МФЦ');
      await answerCitizenMessage(deps, queue.jobs[0] as BotJob);
      await send('пропустить всё');
      await answerCitizenMessage(deps, queue.jobs[1] as BotJob);
      const jobsBefore = queue.jobs.length;

      // Act
      const later = await send('ну где вы там?');

      // Assess
      expect(later.seq).toBe(6);
      expect(queue.jobs).toHaveLength(jobsBefore);
      const stored = (await messages.listAfter(ack.conversationId, 0, 10)).messages;
      expect(stored.at(-1)).toMatchObject({ seq: 6, from: 'citizen' });
    });
  });
});
