/**
 * Live suggestions while the citizen types: the unfinished last word is expanded to the known
 * words it starts, each weighted by its share, and the model ranks the intents as for a message.
 * A binary search over the sorted vocabulary keeps it well under a millisecond.
 */
import type { Classifier } from './classifier.ts';
import { FALLBACK } from './decisions.ts';
import type { KnowledgeBase } from './knowledge-base-schema.ts';
import { type Lang, readMessage } from './language.ts';
import { isStopWord, stemWord } from './stem.ts';
import { analyze, type Token } from './vocabulary.ts';

const MAX_SUGGESTIONS = 3;
/** How many completions of the unfinished word are considered. */
const MAX_COMPLETIONS = 8;
/** An intent must share at least this much with the prefix to be offered. */
const MIN_SCORE = 0.12;
/** Fewer letters than this say nothing yet. */
const MIN_LETTERS = 2;

export interface Suggester {
  suggest(prefix: string, lang: Lang): { intent: string; title: string }[];
}

export function createSuggester(kb: KnowledgeBase, classifier: Classifier): Suggester {
  const { vocabulary, model } = classifier;
  const { sortedWords } = vocabulary;
  const titles = new Map(kb.intents.map((entry) => [entry.intent, entry.title]));
  const offered = new Set(
    kb.intents.filter((entry) => entry.intent !== FALLBACK).map((entry) => entry.intent),
  );

  const completions = (start: string): string[] => {
    let low = 0;
    let high = sortedWords.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((sortedWords[mid] as string) < start) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < sortedWords.length && (sortedWords[i] as string).startsWith(start); i++) {
      found.push(sortedWords[i] as string);
    }
    const frequency = (word: string) => vocabulary.wordFrequencies.get(word) ?? 0;
    return found.sort((a, b) => frequency(b) - frequency(a)).slice(0, MAX_COMPLETIONS);
  };

  return {
    suggest(prefix, lang) {
      const read = readMessage(prefix, vocabulary, lang);
      if (read.normalized.replace(/\s/g, '').length < MIN_LETTERS) return [];
      const words = read.normalized.split(' ');
      const unfinished = words.pop() ?? '';
      const tokens: Token[] = analyze(words.join(' '), vocabulary);
      const weights: number[] = tokens.map(() => 1);
      const expansions = completions(unfinished);
      for (const word of expansions.length > 0 ? expansions : [unfinished]) {
        tokens.push({ word, stem: stemWord(word), stop: isStopWord(word) });
        weights.push(1 / Math.max(1, expansions.length));
      }
      return model
        .rank(tokens, weights)
        .filter((ranked) => offered.has(ranked.intent) && ranked.score >= MIN_SCORE)
        .slice(0, MAX_SUGGESTIONS)
        .map(({ intent }) => ({ intent, title: titles.get(intent)?.[read.lang] ?? intent }));
    },
  };
}
