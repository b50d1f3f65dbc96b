/**
 * What the bot knows of words: every word form and stem of the example phrasings, with counts.
 * It decides which keyboard layout a message was meant in, and which known word a typo stands for.
 */
import { createFuzzyIndex, type FuzzyIndex } from './fuzzy.ts';
import { normalizeText, tokenize } from './normalize.ts';
import { isStopWord, stemWord } from './stem.ts';

export interface Vocabulary {
  readonly stems: ReadonlySet<string>;
  readonly wordFrequencies: ReadonlyMap<string, number>;
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

export function buildVocabulary(texts: Iterable<string>): Vocabulary {
  const wordFrequencies = new Map<string, number>();
  const stems = new Set<string>();
  for (const text of texts) {
    for (const word of tokenize(normalizeText(text))) {
      wordFrequencies.set(word, (wordFrequencies.get(word) ?? 0) + 1);
      stems.add(stemWord(word));
    }
  }
  return { stems, wordFrequencies, fuzzy: createFuzzyIndex(wordFrequencies) };
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
