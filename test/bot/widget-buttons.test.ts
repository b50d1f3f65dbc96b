/**
 * The bot's answers that send the citizen to a control of the chat window name it as the widget
 * labels it: «Нажмите «…» в окне чата» / `Click "…" in the chat window` must quote a string of the
 * widget (web/widget/strings.ts) in the same language. A renamed button otherwise leaves the bot
 * pointing at nothing. And the other way round: the topics the widget's greeting offers, sent as the
 * citizen's question, are questions the bot answers, the same in both languages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { createBot } from '#domain/bot/index.ts';
import { createMfcBot } from '#domain/mfc/mfc-bot.ts';
import { STRINGS } from '../../web/widget/strings.ts';

const KB = join(import.meta.dirname, '../../layers/knowledge-base/kb');
const PATTERNS = {
  ru: /Нажмите «([^»]+)» в окне чата/g,
  en: /Click "([^"]+)" in the chat window/g,
} as const;

/** Every text of an entry (answers, guest answers, …) in one language, wherever it sits. */
function textsOf(value: unknown, lang: 'ru' | 'en'): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    key === lang && typeof inner === 'string' ? [inner] : textsOf(inner, lang),
  );
}

const quoted = (['ru', 'en'] as const).flatMap((lang) =>
  readdirSync(KB)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) =>
      textsOf(JSON.parse(readFileSync(join(KB, file), 'utf8')), lang).flatMap((text) =>
        [...text.matchAll(PATTERNS[lang])].map((match) => ({ file, lang, label: match[1] as string })),
      ),
    ),
);

describe('the bot names the chat window’s buttons as the widget labels them', () => {
  it('finds the answers that send the citizen to a button', () => {
    expect(quoted.map((q) => `${q.file}:${q.lang}`)).toContain('application.status.json:ru');
    expect(quoted.map((q) => `${q.file}:${q.lang}`)).toContain('application.status.json:en');
  });

  it.each(quoted)('$file ($lang) quotes «$label», a label of the widget', ({ lang, label }) => {
    const labels = Object.values(STRINGS[lang]).filter((v): v is string => typeof v === 'string');
    expect(labels).toContain(label);
  });
});

describe('the topics of the widget’s greeting', () => {
  // As the functions answer: the catalogue's bot behind the MFC directory's reader of offices.
  const bot = createMfcBot(createBot(loadKnowledgeBase(KB)), loadMfcDirectory(join(KB, '..', 'mfc')), {
    clock: { now: () => new Date() },
  });
  const intentsOf = (lang: 'ru' | 'en') =>
    STRINGS[lang].topics.map((text) => {
      const reply = bot.reply({ text, lang });
      return { text, intent: reply.intent, escalate: reply.escalate, lang: reply.lang };
    });

  it.each(['ru', 'en'] as const)(
    'are each answered by an intent of the catalogue in %s, none handed over',
    (lang) => {
      for (const topic of intentsOf(lang)) {
        expect(topic.intent, topic.text).not.toBe('fallback');
        expect(topic).toMatchObject({ escalate: false, lang });
      }
      // Four different questions, not one answer four times.
      expect(new Set(intentsOf(lang).map((t) => t.intent)).size).toBe(STRINGS[lang].topics.length);
    },
  );

  it('are the same questions in Russian and in English', () => {
    expect(intentsOf('en').map((t) => t.intent)).toEqual(intentsOf('ru').map((t) => t.intent));
  });
});
