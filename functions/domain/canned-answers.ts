/**
 * Canned answers (`canned.list`): ready texts an operator sends or edits, shipped as data in RU and
 * EN (`layers/knowledge-base/canned/*.json`), validated at load, and searched with the bot's own
 * normalisation and Snowball stems, so «пароля», «пароль» and «паролем» find the same answer.
 */
import type { CannedAnswer } from '#events/desk-frames.ts';
import { escalationCategorySchema } from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import * as z from '#events/zod.ts';
import { normalizeText, tokenize } from './bot/normalize.ts';
import { isStopWord, stemWord } from './bot/stem.ts';

const localized = z.object({
  ru: z.string().check(z.trim(), z.minLength(1)),
  en: z.string().check(z.trim(), z.minLength(1)),
});

const cannedAnswerSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9_.]+$/, 'lower-case id with dots')),
  category: escalationCategorySchema,
  title: localized,
  text: z.object({
    ru: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
    en: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
  }),
  tags: z.optional(
    z.object({
      ru: z.array(z.string().check(z.minLength(1))),
      en: z.array(z.string().check(z.minLength(1))),
    }),
  ),
});
export type CannedAnswerEntry = z.infer<typeof cannedAnswerSchema>;

/** One file holds an array of answers; ids are unique across all files. */
export const cannedFileSchema = z.array(cannedAnswerSchema).check(z.minLength(1));

/** Where an operator's own name goes in a text («Меня зовут {operator}»). */
const OPERATOR_PLACEHOLDER = /\{operator\}/g;

/** At most this many answers are listed for one query (the console shows a short pick list). */
const CANNED_LIST_LIMIT = 20;

interface IndexedAnswer {
  entry: CannedAnswerEntry;
  /** Per language: stems of the title and tags (weight 3), and of the text (weight 1). */
  stems: Record<Lang, { strong: Set<string>; weak: Set<string> }>;
}

export interface CannedIndex {
  answers: IndexedAnswer[];
}

function stemsOf(text: string): string[] {
  return tokenize(normalizeText(text))
    .filter((word) => !isStopWord(word))
    .map(stemWord);
}

/** Builds the search index once (module init); throws on a duplicate id. */
export function indexCannedAnswers(entries: readonly CannedAnswerEntry[]): CannedIndex {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new Error(`canned answers: duplicate id ${entry.id}`);
    seen.add(entry.id);
  }
  const langIndex = (entry: CannedAnswerEntry, lang: Lang) => ({
    strong: new Set([...stemsOf(entry.title[lang]), ...(entry.tags?.[lang] ?? []).flatMap(stemsOf)]),
    weak: new Set(stemsOf(entry.text[lang])),
  });
  return {
    answers: entries.map((entry) => ({
      entry,
      stems: { ru: langIndex(entry, 'ru'), en: langIndex(entry, 'en') },
    })),
  };
}

/**
 * The answers for `query` in `lang`, best first: every query word counts 3 when it is in the title or
 * tags, 1 when only in the text; the last word may be a prefix still being typed. An empty query lists
 * every answer (by category, then title). A query that matches nothing answers an empty list.
 */
export function searchCannedAnswers(
  index: CannedIndex,
  input: { query?: string; lang: Lang; operatorName: string; limit?: number },
): CannedAnswer[] {
  const { lang } = input;
  const limit = input.limit ?? CANNED_LIST_LIMIT;
  const words = tokenize(normalizeText(input.query ?? '')).filter((word) => !isStopWord(word));
  const present = (entry: CannedAnswerEntry) => ({
    id: entry.id,
    title: entry.title[lang],
    text: entry.text[lang].replace(OPERATOR_PLACEHOLDER, input.operatorName),
  });
  if (words.length === 0) {
    return [...index.answers]
      .sort(
        (a, b) =>
          a.entry.category.localeCompare(b.entry.category) ||
          a.entry.title[lang].localeCompare(b.entry.title[lang]),
      )
      .slice(0, limit)
      .map(({ entry }) => present(entry));
  }
  const stems = words.map(stemWord);
  const lastPrefix = words[words.length - 1] ?? '';
  const scored = index.answers
    .map((answer) => {
      const { strong, weak } = answer.stems[lang];
      let score = 0;
      stems.forEach((stem, i) => {
        const isLast = i === stems.length - 1;
        const matches = (set: Set<string>) =>
          set.has(stem) ||
          (isLast && lastPrefix.length >= 3 && [...set].some((s) => s.startsWith(lastPrefix)));
        if (matches(strong)) score += 3;
        else if (matches(weak)) score += 1;
      });
      return { answer, score };
    })
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || a.answer.entry.id.localeCompare(b.answer.entry.id));
  return scored.slice(0, limit).map(({ answer }) => present(answer.entry));
}
