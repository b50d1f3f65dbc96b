/**
 * What the bot knows of words: every word form of the example phrasings with its count and stem.
 * It decides which keyboard layout a message was meant in, and which known word a typo stands for.
 */
import { createFuzzyIndex, type FuzzyIndex } from './fuzzy.ts';
import { normalizeText, tokenize } from './normalize.ts';
import { isStopWord, primeStems, stemWord } from './stem.ts';

/** The vocabulary as plain data (compiled into the layer): parallel arrays, sorted by word. */
export interface VocabularyData {
  words: string[];
  frequencies: number[];
  stems: string[];
}

export interface Vocabulary {
  readonly stems: ReadonlySet<string>;
  readonly wordFrequencies: ReadonlyMap<string, number>;
  /** Known words, sorted (for prefix search). */
  readonly sortedWords: readonly string[];
  readonly fuzzy: FuzzyIndex;
}

/** A word of a message as the model sees it. */
export interface Token {
  /** The word as typed (normalised). */
  word: string;
  /** Its stem, after typo correction when the word was unknown. */
  stem: string;
  stop: boolean;
}

export function compileVocabulary(texts: Iterable<string>): VocabularyData {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of tokenize(normalizeText(text))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const words = [...counts.keys()].sort();
  return { words, frequencies: words.map((word) => counts.get(word) ?? 0), stems: words.map(stemWord) };
}

export function createVocabulary(data: VocabularyData): Vocabulary {
  primeStems(data.words, data.stems);
  const wordFrequencies = new Map(data.words.map((word, i) => [word, data.frequencies[i] ?? 0]));
  let fuzzy: FuzzyIndex | undefined;
  return {
    stems: new Set(data.stems),
    wordFrequencies,
    sortedWords: data.words,
    // Built on the first unknown word, not at init: most messages never need it.
    get fuzzy() {
      fuzzy ??= createFuzzyIndex(wordFrequencies);
      return fuzzy;
    },
  };
}

/** Tokens of a normalised text; unknown words are corrected to the closest known word if any. */
export function analyze(normalized: string, vocabulary: Vocabulary): Token[] {
  return tokenize(normalized).map((word) => {
    const stem = stemWord(word);
    if (vocabulary.stems.has(stem) || vocabulary.wordFrequencies.has(word)) {
      return { word, stem, stop: isStopWord(word) };
    }
    const corrected = vocabulary.fuzzy.correct(word);
    return corrected
      ? { word, stem: stemWord(corrected), stop: isStopWord(corrected) }
      : { word, stem, stop: isStopWord(word) };
  });
}

/** How many words of a normalised text the vocabulary knows (exactly or by stem). */
export function knownWordCount(normalized: string, vocabulary: Vocabulary): number {
  let known = 0;
  for (const word of tokenize(normalized)) {
    if (word.length < 2) continue;
    if (vocabulary.wordFrequencies.has(word) || vocabulary.stems.has(stemWord(word))) known++;
  }
  return known;
}
