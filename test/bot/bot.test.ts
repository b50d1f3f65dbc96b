/**
 * The bot, end to end over the shipped knowledge base: what a citizen gets back, and the quality
 * figures (docs/bot.md) held to their targets.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { createBot } from '#domain/bot/index.ts';
import { createMfcBot } from '#domain/mfc/mfc-bot.ts';
import { evaluate, readEvalCases } from './evaluate.ts';

const root = join(import.meta.dirname, '..', '..');
const kb = loadKnowledgeBase(join(root, 'layers', 'knowledge-base', 'kb'));
const bot = createMfcBot(createBot(kb), loadMfcDirectory(join(root, 'layers', 'knowledge-base', 'mfc')), {
  clock: { now: () => new Date() },
});

describe('bot replies', () => {
  it('answers a confident question with intent, confidence, text and suggestions in the session language', () => {
    const reply = bot.reply({ text: 'забыл пароль, как восстановить?', lang: 'ru' });
    expect(reply).toMatchObject({
      intent: 'auth.password_reset',
      escalate: false,
      category: 'auth',
      lang: 'ru',
    });
    expect(reply.confidence).toBeGreaterThan(0.8);
    expect(reply.text).toContain('15 минут');
    expect(reply.suggestions.length).toBeGreaterThan(0);
    expect(reply.suggestions.length).toBeLessThanOrEqual(3);
  });

  it('answers in English when the citizen writes English', () => {
    const reply = bot.reply({ text: 'What is the hotline number?', lang: 'en' });
    expect(reply).toMatchObject({ intent: 'support.hotline', lang: 'en' });
    expect(reply.text).toContain('8 800 555-55-55');
  });

  it('reads a message typed in the wrong keyboard layout', () => {
    expect(bot.reply({ text: 'pf,sk gfhjkm', lang: 'ru' })).toMatchObject({
      intent: 'auth.password_reset',
      layoutFixed: true,
      lang: 'ru',
    });
  });

  it('answers the question that follows a greeting or comes with a thank-you, and a courtesy alone as one', () => {
    const ask = (text: string) => bot.reply({ text, lang: 'ru' }).intent;
    expect(ask('Добрый день, подскажите как записаться в МФЦ')).toBe('mfc.booking');
    expect(ask('спасибо, но код так и не пришёл')).toBe('auth.code_not_received');
    expect(ask('спасибо, а код так и не пришёл')).toBe('auth.code_not_received');
    expect(ask('hi, I forgot my password')).toBe('auth.password_reset');
    expect(ask('Здравствуйте!')).toBe('greeting');
    expect(ask('спасибо, всё получилось')).toBe('thanks');
    // A thank-you that says why (solved) is thanks; only a contrast or a question makes it a new question.
    expect(ask('Спасибо, код пришёл')).toBe('thanks');
    expect(ask('Код пришёл. Спасибо')).toBe('thanks');
    expect(ask('I need help')).toBe('greeting');
  });

  it('reads a message of several sentences by the one it understands when the whole is unclear', () => {
    const ask = (text: string) => bot.reply({ text, lang: 'ru' }).intent;
    expect(ask('Забыла пароль. Пробовала разные варианты, и теперь боюсь, что заблокируют.')).toBe(
      'auth.password_reset',
    );
    expect(ask('Мне отказали в заявлении. Не понимаю почему, вроде всё заполнила правильно.')).toBe(
      'application.rejected',
    );
    expect(bot.reply({ text: 'Ну вот. Такие дела. Что скажете?', lang: 'ru' }).intent).toBe('fallback');
  });

  it('answers a problem told at length after a greeting, and says it did not understand one it cannot tell', () => {
    const ask = (text: string) => bot.reply({ text, lang: 'ru' }).intent;
    expect(
      ask(
        'Здравствуйте! Пытаюсь загрузить скан диплома в заявление, а сайт пишет что файл слишком большой, хотя там 15 мегабайт. Что делать?',
      ),
    ).toBe('application.upload_error');
    expect(ask('Здравствуйте! Ну вот такие дела, не знаю даже с чего начать, в общем сложная история')).toBe(
      'fallback',
    );
  });

  it('takes the courtesies off both ends of a question, and reads a long message by the sentence its whole leans to, not a filler question', () => {
    const ask = (text: string, lang: 'ru' | 'en' = 'ru') => bot.reply({ text, lang }).intent;
    // A question between a greeting and a thank-you is no thank-you.
    expect(
      ask('Hello, the form rejects my SNILS as invalid every time, what should I do? Thanks', 'en'),
    ).not.toBe('thanks');
    expect(
      ask(
        'В МФЦ сотрудница накричала и не приняла документы. Считаю это недопустимым и хочу подать жалобу. Как это сделать?',
      ),
    ).toBe('legal.complaint');
    expect(ask('о, всё получилось, код наконец пришёл, благодарю!')).toBe('thanks');
  });

  it('reads «не помогло» in a first message as what was tried, and answers the problem; with nothing to answer, hands over', () => {
    const tried = bot.reply({
      text: 'Переустанавливал приложение госуслуг, не помогло, оно всё равно вылетает при запуске',
      lang: 'ru',
    });
    const nothing = bot.reply({ text: 'я всё перепробовала, ничего не помогло', lang: 'ru' });
    const afterAnswer = bot.reply({
      text: 'Переустанавливал приложение госуслуг, не помогло, оно всё равно вылетает при запуске',
      lang: 'ru',
      context: { lastBotIntent: 'app.mobile' },
    });
    expect(tried).toMatchObject({ intent: 'app.mobile', escalate: false });
    expect(nothing).toMatchObject({ intent: 'support.operator', escalate: true });
    expect(afterAnswer).toMatchObject({
      intent: 'app.mobile',
      escalate: true,
      escalationReason: 'repeat_problem',
    });
  });

  it('tolerates typos', () => {
    expect(bot.reply({ text: 'пороль не помню', lang: 'ru' }).intent).toBe('auth.password_reset');
  });

  it('says honestly that it does not know, and offers an operator', () => {
    const reply = bot.reply({ text: 'какой завтра будет курс рубля к тенге', lang: 'ru' });
    expect(reply).toMatchObject({ intent: 'fallback', escalate: false });
    expect(reply.suggestions.map((s) => s.intent)).toContain('support.operator');
  });

  it('hands over when the citizen asks for a person, saying what happens next', () => {
    const reply = bot.reply({ text: 'соедините с живым оператором', lang: 'ru' });
    expect(reply).toMatchObject({
      intent: 'support.operator',
      escalate: true,
      escalationReason: 'asked_for_person',
    });
    expect(reply.text).toMatch(/специалист/);
  });

  it('hands over an operator-only intent after its short answer', () => {
    const reply = bot.reply({ text: 'хочу написать жалобу на сотрудника', lang: 'ru' });
    expect(reply).toMatchObject({ intent: 'legal.complaint', escalate: true, category: 'legal' });
  });

  it('hands over when the answer did not help, keeping the recognised problem', () => {
    const reply = bot.reply({
      text: 'не помогло',
      lang: 'ru',
      context: { lastBotIntent: 'auth.code_not_received' },
    });
    expect(reply).toMatchObject({
      intent: 'auth.code_not_received',
      escalate: true,
      escalationReason: 'repeat_problem',
      category: 'auth',
    });
  });

  it('names the problem for the intake when it hands over about it', () => {
    const reply = bot.reply({
      text: 'всё равно не помогло',
      lang: 'ru',
      context: { lastBotIntent: 'auth.sso_error' },
    });
    expect(reply.intakeService).toBe('Не получается войти');
    expect(bot.reply({ text: 'позовите оператора', lang: 'ru' }).intakeService).toBeUndefined();
  });

  it('hands over after the second fallback in a row', () => {
    const reply = bot.reply({
      text: 'расскажи анекдот про кота',
      lang: 'ru',
      context: { consecutiveFallbacks: 1 },
    });
    expect(reply).toMatchObject({
      intent: 'fallback',
      escalate: true,
      escalationReason: 'repeated_fallback',
    });
  });

  it('asks a guest to identify before talking about their applications', () => {
    const guest = bot.reply({ text: 'какой статус моей заявки', lang: 'ru' });
    expect(guest).toMatchObject({ intent: 'application.status', needsIdentification: true });
    expect(guest.text).toMatch(/подтвердить/);
    const verified = bot.reply({ text: 'какой статус моей заявки', lang: 'ru', context: { verified: true } });
    expect(verified.needsIdentification).toBe(false);
  });

  it('is deterministic', () => {
    const input = { text: 'не загружается скан, пишет слишком большой', lang: 'ru' as const };
    expect(bot.reply(input)).toEqual(bot.reply(input));
  });

  it('can reach every intent of the knowledge base', () => {
    for (const entry of kb.intents) {
      const [example] = entry.examples.ru;
      expect(bot.reply({ text: example ?? '', lang: 'ru' }).intent, example).toBe(entry.intent);
    }
  });
});

describe('suggest', () => {
  it('offers up to 3 intents for an unfinished phrase', () => {
    const items = bot.suggest('забыл пар', 'ru');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(3);
    expect(items[0]).toEqual({ intent: 'auth.password_reset', title: 'Восстановить пароль' });
  });

  it('offers nothing for a single letter', () => {
    expect(bot.suggest('з', 'ru')).toEqual([]);
  });

  it('titles suggestions in the language being typed', () => {
    expect(bot.suggest('book an appoint', 'en')[0]).toEqual({
      intent: 'mfc.booking',
      title: 'Book an MFC visit',
    });
  });
});

describe('quality (npm run eval:bot prints the details)', () => {
  it('gets at least 95 % of the own evaluation set right', () => {
    const report = evaluate(bot, readEvalCases(join(import.meta.dirname, 'eval-set.jsonl')));
    expect(report.total).toBeGreaterThanOrEqual(300);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('gets at least 92 % of the public samples right', () => {
    const report = evaluate(bot, readEvalCases(join(import.meta.dirname, 'public-samples.jsonl')));
    expect(report.total).toBeGreaterThanOrEqual(28);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.92);
  });

  it('gets at least 85 % of the held-out probes right (570 questions written apart from the examples and the evaluation set)', () => {
    const report = evaluate(bot, readEvalCases(join(import.meta.dirname, 'probe-set.jsonl')));
    expect(report.total).toBeGreaterThanOrEqual(550);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('keeps the evaluation set and the probes apart from the example phrasings the model is built from', () => {
    const normalize = (text: string) =>
      text
        .toLowerCase()
        .replace(/ё/g, 'е')
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
    const examples = new Set(kb.intents.flatMap((e) => [...e.examples.ru, ...e.examples.en]).map(normalize));
    const overlap = ['eval-set.jsonl', 'probe-set.jsonl']
      .flatMap((file) => readEvalCases(join(import.meta.dirname, file)))
      .filter((c) => examples.has(normalize(c.text)));
    expect(overlap.map((c) => c.text)).toEqual([]);
  });
});
