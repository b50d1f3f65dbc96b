import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCannedAnswers } from '#adapters/canned-answers.ts';
import { type CannedAnswerEntry, indexCannedAnswers, searchCannedAnswers } from './canned-answers.ts';

const dir = join(import.meta.dirname, '../../layers/knowledge-base/canned');
const entries = loadCannedAnswers(dir);
const index = indexCannedAnswers(entries);
const search = (query: string | undefined, lang: 'ru' | 'en' = 'ru') =>
  searchCannedAnswers(index, { lang, operatorName: 'Анна', ...(query === undefined ? {} : { query }) });

describe('canned answers', () => {
  it('ships at least 20 answers, each in Russian and English, with unique ids', () => {
    // Assess
    expect(entries.length).toBeGreaterThanOrEqual(20);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });

  it('lists every answer (up to the limit) when there is no query', () => {
    // Act
    const items = search(undefined);

    // Assess
    expect(items).toHaveLength(Math.min(20, entries.length));
    expect(items.every((item) => item.title.length > 0 && item.text.length > 0)).toBe(true);
  });

  it('finds an answer by another form of a word (stems), best match first', () => {
    // Act
    const items = search('паролем');

    // Assess
    expect(items[0]?.id).toBe('auth.password_reset');
  });

  it('matches the last word as a prefix being typed', () => {
    expect(search('блокиро').map((item) => item.id)).toContain('auth.account_locked');
  });

  it("answers in the operator's language", () => {
    // Act
    const [first] = search('password', 'en');

    // Assess
    expect(first?.id).toBe('auth.password_reset');
    expect(first?.title).toBe('Password reset');
  });

  it("puts the operator's name into the greeting", () => {
    const greeting = search('здравствуйте').find((item) => item.id === 'greeting.taken');
    expect(greeting?.text).toContain('Меня зовут Анна');
  });

  it('answers an empty list for a query that matches nothing', () => {
    expect(search('абырвалг')).toEqual([]);
  });

  it('refuses two answers with the same id', () => {
    const [first] = entries as [CannedAnswerEntry];
    expect(() => indexCannedAnswers([first, first])).toThrow(/duplicate id/);
  });
});
