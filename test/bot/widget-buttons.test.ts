/**
 * The bot's answers that send the citizen to a control of the chat window name it as the widget
 * labels it: «Нажмите «…» в окне чата» / `Click "…" in the chat window` must quote a string of the
 * widget (web/widget/strings.ts) in the same language. A renamed button otherwise leaves the bot
 * pointing at nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
