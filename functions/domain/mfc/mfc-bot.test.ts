import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { createBot } from '../bot/index.ts';
import { createMfcBot } from './mfc-bot.ts';

const layer = join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base');
// Tuesday 3 November 2026, 06:00 UTC: 09:00 in Moscow, 13:00 in Novosibirsk, 16:00 in Vladivostok;
// a shortened day before Unity Day (4 November).
const at = new Date('2026-11-03T06:00:00Z');
const bot = createMfcBot(
  createBot(loadKnowledgeBase(join(layer, 'kb'))),
  loadMfcDirectory(join(layer, 'mfc')),
  {
    clock: { now: () => at },
    checklistUrl: (service, lang) => `https://portal.example/mfc/checklist/${service.id}.${lang}.html`,
  },
);
const ask = (text: string, lang: 'ru' | 'en' = 'ru', now = at) => bot.reply({ text, lang, now });

describe('the bot answers MFC questions from the directory', () => {
  it('says whether an office is open now on its own clock, in three time zones', () => {
    expect(ask('открыт ли сейчас мфц на тверской').text).toContain('Москва 09:00 — офис открыт до 19:00');
    expect(ask('мфц на красном проспекте сейчас работает?').text).toContain(
      'Новосибирск 13:00 — офис открыт до 19:00',
    );
    expect(ask('is the mfc on svetlanskaya street open now', 'en').text).toContain(
      'It is 16:00 in Vladivostok now: the office is open until 19:00',
    );
  });

  it('answers across a holiday: closed on Unity Day, with the day it opens again', () => {
    const tomorrow = ask('работает ли мфц на малышева завтра');
    expect(tomorrow).toMatchObject({ intent: 'mfc.hours' });
    expect(tomorrow.text).toContain('4 ноября, среда: не работает (День народного единства)');
    // 4 November, 10:00 in Yekaterinburg.
    const onTheDay = ask('мфц на малышева открыт сейчас?', 'ru', new Date('2026-11-04T05:00:00Z'));
    expect(onTheDay.text).toContain('закрыт (День народного единства), откроется 5 ноября, четверг в 08:00');
  });

  it('gives the weekly hours with breaks and warns of the holidays ahead', () => {
    const reply = ask('когда работает МФЦ в Советске');
    expect(reply.text).toContain('пн–пт: 09:00–13:00, 14:00–18:00 (перерыв 13:00–14:00); сб–вс: выходной');
    expect(reply.text).toContain('4 ноября, среда — не работает (День народного единства)');
  });

  it('asks which office when a city has several, listing them', () => {
    const reply = ask('когда работает мфц в новосибирске');
    expect(reply.text).toContain('Нашёл несколько офисов (3)');
    expect(reply.text).toContain('Назовите улицу или район');
  });

  it('lists what to bring for the service named, with the fee and the printable page', () => {
    const reply = ask('что нужно взять чтобы поменять права');
    expect(reply.intent).toBe('mfc.visit');
    expect(reply.text).toContain('Замена водительского удостоверения');
    expect(reply.text).toContain('Медицинское заключение (форма 003-В/у) — оригинал');
    expect(reply.text).toContain('Госпошлина: 2 000 ₽');
    expect(reply.text).toContain(
      'Список для печати: https://portal.example/mfc/checklist/driving_licence.replace.ru.html',
    );
    expect(ask('what should I bring to replace my passport', 'en').text).toContain(
      'Printable checklist: https://portal.example/mfc/checklist/passport.replace.en.html',
    );
  });

  it('keeps the general answer when nothing in the directory is named', () => {
    expect(ask('до скольки работает мфц').text).toContain('Напишите город или район');
  });

  it('leaves other questions to the knowledge base', () => {
    expect(ask('забыл пароль').intent).toBe('auth.password_reset');
  });

  it('reads a question about the citizen’s own application of a named service as that, not as its checklist', () => {
    // As written the service's words pull towards what to bring; set aside, the question is the status.
    expect(ask('what’s the status of my foreign passport application', 'en').intent).toBe(
      'application.status',
    );
    expect(ask('на каком этапе заявление на загранпаспорт').intent).toBe('application.status');
    // Asking what to bring for the same service is still the checklist.
    expect(ask('what do i need to bring for a foreign passport', 'en')).toMatchObject({
      intent: 'mfc.visit',
    });
  });
});
