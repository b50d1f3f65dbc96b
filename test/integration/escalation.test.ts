/**
 * Handing over to a person, end to end on the local stack (docs/requirements.md#escalation): asking for a
 * person, «не помогло» after an answer, and an operator-only intent each give the bot's message
 * (with its intent), then the intake questions in the session language, then `conversation.updated`
 * (queued) and one escalation with the intake on the EscalationQueue, which the assignment takes
 * (test/support/escalation-queue.ts). After that the bot is silent.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { repoPath } from '../../infra/paths.ts';
import { useClients } from '../support/clients.ts';
import { takeEscalations } from '../support/escalation-queue.ts';
import { polledFrameWith } from '../support/frames.ts';
import { storedMessages } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();
const { dialogue, intents } = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));
const titleOf = (intent: string, lang: 'ru' | 'en') => intents.find((e) => e.intent === intent)?.title[lang];

const botAt = (client: ChatClient, seq: number) =>
  polledFrameWith(client, (f) => f.type === 'message' && f.from === 'bot' && f.seq === seq);

const send = (client: ChatClient, text: string) =>
  client.request({ action: 'message.send', clientMessageId: randomUUID(), text });

/** Sends `text` and returns the bot's answer to it (the message right after it). */
async function ask(client: ChatClient, text: string): Promise<Frame> {
  const ack = await send(client, text);
  return botAt(client, Number(ack.seq) + 1);
}

const queued = (client: ChatClient, conversationId: unknown) =>
  polledFrameWith(client, (f) => f.type === 'conversation.updated' && f.conversationId === conversationId);

describe('handing a conversation over to a person', () => {
  it('«позовите оператора»: the bot’s message, the short intake with a date and a skip, then queued with the intake', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });

    // Act
    const ack = await send(client, 'позовите оператора');
    const handover = await botAt(client, 2);
    const questions = [await botAt(client, 3)];
    for (const answer of ['запись в МФЦ', 'не могу выбрать время, кнопка серая', '12.11.2026 10:30']) {
      questions.push(await ask(client, answer));
    }
    const done = await ask(client, 'пропустить');
    const update = await queued(client, ack.conversationId);
    const [escalation, ...more] = await takeEscalations(String(ack.conversationId));
    // A client that says hello again (a reload) learns at once that it waits (no ticket yet here:
    // the test took the escalation off its queue).
    const welcome = await client.request({ action: 'hello' });

    // Assess
    expect(handover).toMatchObject({ intent: 'support.operator', confidence: expect.any(Number) });
    expect(String(handover.text)).toContain(dialogue.handover.ru);
    expect(questions.map((q) => q.text)).toEqual([
      dialogue.intake.service.ru,
      dialogue.intake.problem.ru,
      dialogue.intake.occurredAt.ru,
      dialogue.intake.errorCode.ru,
    ]);
    expect(done.text).toBe(dialogue.intake.done.ru);
    expect(update).toEqual({
      type: 'conversation.updated',
      conversationId: ack.conversationId,
      state: 'queued',
    });
    expect(welcome).toMatchObject({ conversationId: ack.conversationId, conversation: { state: 'queued' } });
    expect(welcome.conversation).not.toHaveProperty('operator');
    expect(more).toEqual([]);
    expect(escalation).toEqual({
      conversationId: ack.conversationId,
      sessionId: expect.any(String),
      attempt: 1,
      category: 'general',
      reason: 'citizen_request',
      intent: 'support.operator',
      intake: {
        service: 'запись в МФЦ',
        problem: 'не могу выбрать время, кнопка серая',
        occurredAt: '12.11.2026 10:30',
      },
      lang: 'ru',
      escalatedAt: expect.any(String),
    });
  });

  it('«не помогло» after an answer: hands over the answered problem, never asking for its service', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });
    const answer = await ask(client, 'забыл пароль');

    // Act
    const handover = await ask(client, 'не помогло');
    const question = await botAt(client, Number(handover.seq) + 1);
    await ask(client, 'пропустить всё');
    await queued(client, answer.conversationId);
    const escalations = await takeEscalations(String(answer.conversationId));

    // Assess
    expect(answer.intent).toBe('auth.password_reset');
    expect(handover.intent).toBe('auth.password_reset');
    expect(question.text).toBe(dialogue.intake.problem.ru);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({
      reason: 'not_helped',
      category: 'auth',
      intent: 'auth.password_reset',
      // Every question skipped: the operator still reads the citizen's own words.
      intake: { service: titleOf('auth.password_reset', 'ru'), problem: 'забыл пароль\nне помогло' },
    });
  });

  it('an operator-only intent (a complaint): its short answer, the case questions, then queued to legal', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });

    // Act
    const handover = await ask(client, 'хочу подать жалобу на сотрудника');
    const first = await botAt(client, Number(handover.seq) + 1);
    const second = await ask(client, 'выдача паспорта');
    const third = await ask(client, '01.11.2026 09:15');
    await ask(client, 'чтобы сотрудник извинился');
    await queued(client, handover.conversationId);
    const escalations = await takeEscalations(String(handover.conversationId));

    // Assess
    expect(handover).toMatchObject({ intent: 'legal.complaint' });
    expect([first.text, second.text, third.text]).toEqual([
      dialogue.intake.service.ru,
      dialogue.intake.occurredAt.ru,
      dialogue.intake.desiredResult.ru,
    ]);
    expect(escalations).toEqual([
      expect.objectContaining({
        reason: 'operator_only',
        category: 'legal',
        intent: 'legal.complaint',
        intake: {
          service: 'выдача паспорта',
          problem: 'хочу подать жалобу на сотрудника',
          occurredAt: '01.11.2026 09:15',
          desiredResult: 'чтобы сотрудник извинился',
        },
      }),
    ]);
  });

  it('stores a message sent once queued, for the operator, and the bot does not answer it', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });
    const ack = await send(client, 'оператор');
    await botAt(client, 3);
    await ask(client, 'пропустить всё');
    await queued(client, ack.conversationId);
    await takeEscalations(String(ack.conversationId));

    // Act
    const later = await send(client, 'я всё ещё жду');
    // Long enough for the bot to have answered (it answers in milliseconds here), if it were asked.
    await delay(1000);

    // Assess
    expect(later).toMatchObject({ type: 'message.ack', conversationId: ack.conversationId, seq: 6 });
    expect(client.frames.filter((f) => f.type === 'message' && Number(f.seq) > 5)).toEqual([]);
    const stored = await storedMessages(String(ack.conversationId));
    expect(stored.map((m) => [m.seq, m.from])).toEqual([
      [1, 'citizen'],
      [2, 'bot'],
      [3, 'bot'],
      [4, 'citizen'],
      [5, 'bot'],
      [6, 'citizen'],
    ]);
  });

  it('operator.request twice starts one handover, and once queued answers queued: one escalation', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });

    // Act
    const first = await client.request({ action: 'operator.request' });
    const again = await client.request({ action: 'operator.request' });
    const question = await botAt(client, 2);
    await ask(client, 'пропустить всё');
    await queued(client, first.conversationId);
    const afterQueued = await client.request({ action: 'operator.request' });
    const escalations = await takeEscalations(String(first.conversationId));

    // Assess
    expect(first).toMatchObject({
      type: 'conversation.updated',
      conversationId: expect.any(String),
      state: 'bot',
    });
    expect(again).toMatchObject({
      type: 'conversation.updated',
      conversationId: first.conversationId,
      state: 'bot',
    });
    expect(afterQueued).toMatchObject({ conversationId: first.conversationId, state: 'queued' });
    expect(question.text).toBe(dialogue.intake.service.ru);
    const handovers = client.frames.filter((f) => f.type === 'message' && f.intent === 'support.operator');
    expect(handovers).toHaveLength(1);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ reason: 'citizen_request', attempt: 1 });
  });

  it('works end to end in an English session', async () => {
    // Prepare
    const client = await connect({ lang: 'en' });

    // Act
    const ack = await send(client, 'I want to talk to a human');
    const handover = await botAt(client, 2);
    const questions = [await botAt(client, 3)];
    for (const answer of ['MFC booking', 'the slot button is grey', 'yesterday at noon']) {
      questions.push(await ask(client, answer));
    }
    const done = await ask(client, 'skip');
    await queued(client, ack.conversationId);
    const escalations = await takeEscalations(String(ack.conversationId));

    // Assess
    expect(handover.intent).toBe('support.operator');
    expect(String(handover.text)).toContain(dialogue.handover.en);
    expect(questions.map((q) => q.text)).toEqual([
      dialogue.intake.service.en,
      dialogue.intake.problem.en,
      dialogue.intake.occurredAt.en,
      dialogue.intake.errorCode.en,
    ]);
    expect(done.text).toBe(dialogue.intake.done.en);
    expect(escalations).toEqual([
      expect.objectContaining({
        lang: 'en',
        intake: {
          service: 'MFC booking',
          problem: 'the slot button is grey',
          occurredAt: 'yesterday at noon',
        },
      }),
    ]);
  });
});
