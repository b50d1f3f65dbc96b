import { describe, expect, it } from 'vitest';
import { answerIntake, findDate, findErrorCode, nextIntakeQuestion, startIntake } from './intake.ts';
import type { Dialogue } from './knowledge-base-schema.ts';

const say = (field: string) => ({ ru: `ru:${field}`, en: `en:${field}` });
const dialogue: Dialogue = {
  handover: say('handover'),
  repeatProblem: say('repeat'),
  repeatedFallback: say('fallback'),
  intake: {
    service: say('service'),
    problem: say('problem'),
    occurredAt: say('occurredAt'),
    errorCode: say('errorCode'),
    desiredResult: say('desiredResult'),
    attachments: say('attachments'),
    done: say('done'),
  },
};

describe('intake before a handover', () => {
  it('accepts dd.mm.yyyy hh:mm dates and rejects impossible ones', () => {
    expect(findDate('вчера, 24.11.2026 в 9:05')).toBe('24.11.2026 09:05');
    expect(findDate('с 3.2.2026')).toBe('03.02.2026');
    expect(findDate('31.02.2026')).toBeUndefined();
  });

  it('picks up an error code from free text', () => {
    expect(findErrorCode('пишет ошибка 500 и всё')).toBe('500');
    expect(findErrorCode('Error code: ESIA-007003')).toBe('ESIA-007003');
    expect(findErrorCode('просто не работает')).toBeUndefined();
  });

  it('does not ask for what the conversation already contains', () => {
    // Prepare
    const state = startIntake({
      service: 'Не приходит код подтверждения',
      citizenMessages: ['не приходит смс с кодом с 24.11.2026 10:00, пишет ошибка 403', 'оператора'],
    });
    // Act
    const question = nextIntakeQuestion(state, dialogue, 'ru');
    // Assess
    expect(state.intake).toMatchObject({
      service: 'Не приходит код подтверждения',
      occurredAt: '24.11.2026 10:00',
      errorCode: '403',
    });
    expect(state.intake.problem).toContain('не приходит смс');
    expect(question?.field).toBe('desiredResult');
    expect(question?.text).toBe('ru:desiredResult');
  });

  it('asks the missing questions in order, in the session language, and lets the citizen skip', () => {
    let state = startIntake({ citizenMessages: ['оператор'] });
    const asked: string[] = [];
    const answers: Record<string, string> = {
      service: 'запись в МФЦ',
      problem: 'не могу выбрать время, кнопка серая',
      occurredAt: 'сегодня утром',
      errorCode: 'пропустить',
      desiredResult: 'записаться на пятницу',
      attachments: 'нет',
    };
    for (let step = 0; step < 10; step++) {
      const question = nextIntakeQuestion(state, dialogue, 'en');
      if (!question) break;
      asked.push(question.text);
      state = answerIntake(question.state, answers[question.field] ?? '');
    }
    expect(asked).toEqual([
      'en:service',
      'en:problem',
      'en:occurredAt',
      'en:errorCode',
      'en:desiredResult',
      'en:attachments',
    ]);
    expect(state.intake).toEqual({
      service: 'запись в МФЦ',
      problem: 'не могу выбрать время, кнопка серая',
      occurredAt: 'сегодня утром',
      desiredResult: 'записаться на пятницу',
    });
    expect(state.skipped).toEqual(['errorCode', 'attachments']);
  });

  it('takes an attachment as the answer to the attachments question', () => {
    const state = answerIntake({ intake: {}, skipped: [], pending: 'attachments' }, '', ['att-1']);
    expect(state.intake.attachmentIds).toEqual(['att-1']);
  });

  it('notes a date mentioned while answering another question, and does not ask for it', () => {
    const start = startIntake({ service: 'Статус заявления', citizenMessages: ['оператор'] });
    const asked = nextIntakeQuestion(start, dialogue, 'ru');
    const state = answerIntake(asked?.state ?? start, 'подала заявление 01.11.2026 12:30 и тишина');
    expect(state.intake.occurredAt).toBe('01.11.2026 12:30');
    expect(nextIntakeQuestion(state, dialogue, 'ru')?.field).toBe('errorCode');
  });
});

describe('a short intake and skipping the rest', () => {
  it('asks only the fields it names, in order', () => {
    // Prepare
    const state = startIntake({ citizenMessages: ['оператор'], fields: ['problem', 'occurredAt'] });

    // Act
    const first = nextIntakeQuestion(state, dialogue, 'ru');
    const second =
      first && nextIntakeQuestion(answerIntake(first.state, 'не грузится страница'), dialogue, 'ru');
    const done = second && nextIntakeQuestion(answerIntake(second.state, '12.11.2026 10:30'), dialogue, 'ru');

    // Assess
    expect([first?.field, second?.field, done]).toEqual(['problem', 'occurredAt', undefined]);
  });

  it.each(['пропустить всё', 'Хватит вопросов!', 'позовите оператора', 'skip all', 'just connect me'])(
    'skips every question left when the citizen says «%s»',
    (answer) => {
      // Prepare
      const asked = nextIntakeQuestion(startIntake({ citizenMessages: [] }), dialogue, 'ru');

      // Act
      const state = answerIntake(asked?.state ?? { intake: {}, skipped: [] }, answer);

      // Assess
      expect(nextIntakeQuestion(state, dialogue, 'ru')).toBeUndefined();
      expect(state.intake).toEqual({});
    },
  );

  it('does not take an answer that only starts like a skip for one', () => {
    const asked = nextIntakeQuestion(startIntake({ citizenMessages: [] }), dialogue, 'ru');
    const state = answerIntake(asked?.state ?? { intake: {}, skipped: [] }, 'хватит ли денег на счёте');
    expect(state.intake.service).toBe('хватит ли денег на счёте');
  });
});
