import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { repoPath } from '../../infra/paths.ts';
import type { Conversation } from './conversations.ts';
import { continueIntake, escalationReasonOf, escalationRecord, startEscalation } from './escalations.ts';

const { dialogue } = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));
const now = new Date('2026-11-24T10:00:00Z');
const opening = { text: 'Соединяю вас со специалистом.', intent: 'support.operator', escalate: true };

describe('escalating a conversation', () => {
  it('names the reasons as the escalation event does', () => {
    expect(
      (['asked_for_person', 'repeat_problem', 'repeated_fallback', 'operator_only'] as const).map(
        escalationReasonOf,
      ),
    ).toEqual(['citizen_request', 'not_helped', 'repeated_fallback', 'operator_only']);
  });

  it('asks a citizen who wants a person the short intake, in the session language, after the handover', () => {
    // Prepare
    const start = {
      opening,
      reason: 'citizen_request' as const,
      category: 'general' as const,
      intent: 'support.operator',
      lang: 'en' as const,
      citizenMessages: [],
      trigger: 'I want to talk to a human',
      now,
    };

    // Act
    let turn = startEscalation(start, dialogue);
    const asked = [turn.says.at(-1)?.text];
    for (const answer of ['MFC booking', 'the time slot button is grey', '12.11.2026 10:30', 'skip']) {
      if (!turn.intake) break;
      turn = continueIntake(turn.intake, answer, [], dialogue);
      asked.push(turn.says.at(-1)?.text);
    }

    // Assess
    expect(asked).toEqual([
      dialogue.intake.service.en,
      dialogue.intake.problem.en,
      dialogue.intake.occurredAt.en,
      dialogue.intake.errorCode.en,
      dialogue.intake.done.en,
    ]);
    expect(turn.intake).toBeUndefined();
    expect(turn.escalation).toEqual({
      category: 'general',
      reason: 'citizen_request',
      intent: 'support.operator',
      intake: {
        service: 'MFC booking',
        problem: 'the time slot button is grey',
        occurredAt: '12.11.2026 10:30',
      },
      lang: 'en',
    });
  });

  it('never asks for what the conversation already says, and queues at once when nothing is left', () => {
    // Prepare
    const start = {
      opening,
      reason: 'citizen_request' as const,
      category: 'auth' as const,
      lang: 'ru' as const,
      service: 'Не приходит код подтверждения',
      citizenMessages: ['с 24.11.2026 09:00 не приходит смс с кодом, пишет ошибка 403'],
      trigger: 'позовите оператора',
      now,
    };

    // Act
    const turn = startEscalation(start, dialogue);

    // Assess
    expect(turn.says.map((s) => s.text)).toEqual([opening.text, dialogue.intake.done.ru]);
    expect(turn.escalation?.intake).toEqual({
      service: 'Не приходит код подтверждения',
      problem: 'с 24.11.2026 09:00 не приходит смс с кодом, пишет ошибка 403',
      occurredAt: '24.11.2026 09:00',
      errorCode: '403',
    });
  });

  it('asks an operator-only intent for the service (its title is the kind of request) and the desired result', () => {
    // Prepare
    const start = {
      opening,
      reason: 'operator_only' as const,
      category: 'legal' as const,
      lang: 'ru' as const,
      service: 'Жалоба',
      citizenMessages: ['хочу подать жалобу на сотрудника'],
      now,
    };

    // Act
    let turn = startEscalation(start, dialogue);
    const fields: (string | undefined)[] = [];
    while (turn.intake) {
      fields.push(turn.intake.state.pending);
      turn = continueIntake(turn.intake, 'пропустить', [], dialogue);
    }

    // Assess
    expect(fields).toEqual(['service', 'occurredAt', 'desiredResult']);
    expect(turn.escalation?.intake).toEqual({ problem: 'хочу подать жалобу на сотрудника' });
  });

  it('keeps the citizen’s own words as the problem when they skip every question', () => {
    const turn = startEscalation(
      {
        opening,
        reason: 'citizen_request',
        category: 'general',
        lang: 'ru',
        citizenMessages: ['забыл пароль'],
        trigger: 'оператор',
        now,
      },
      dialogue,
    );
    const done = turn.intake && continueIntake(turn.intake, 'пропустить всё', [], dialogue);
    expect(done?.escalation?.intake).toEqual({ problem: 'забыл пароль\nоператор' });
  });

  it('counts escalation attempts, so a second escalation of one conversation is not deduplicated away', () => {
    // Prepare
    const conversation = { conversationId: 'c-1', sessionId: 's-1' } as Pick<
      Conversation,
      'conversationId' | 'sessionId' | 'escalation'
    >;
    const draft = {
      category: 'general' as const,
      reason: 'citizen_request' as const,
      intake: { problem: 'x' },
      lang: 'ru' as const,
    };

    // Act
    const first = escalationRecord(draft, conversation, 5, now);
    const second = escalationRecord(draft, { ...conversation, escalation: first }, 9, now);

    // Assess
    expect([first.event.attempt, second.event.attempt]).toEqual([1, 2]);
    expect(first).toMatchObject({ seq: 5, event: { escalatedAt: '2026-11-24T10:00:00.000Z' } });
  });
});
