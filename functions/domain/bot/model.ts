/**
 * The ranking model: nearest example phrasings by TF-IDF cosine similarity, over two feature
 * spaces — word stems (with stem bigrams, so «не пришел» differs from «пришел отказ») and
 * character trigrams of the words as typed (so a typo still shares most of its trigrams).
 * An intent scores as its best-matching example, blended with its next-best ones so that an
 * intent many phrasings agree on beats one lucky phrasing. Built once at createBot time from the
 * knowledge base; a query is a handful of posting-list walks.
 */
import type { Token } from './vocabulary.ts';

export interface LabelledPhrase {
  intent: string;
  tokens: Token[];
}

export interface RankedIntent {
  intent: string;
  score: number;
}

/** Weights of a token and a word pair when forming features; stop words count for little. */
const STOP_WEIGHT = 0.25;
const BIGRAM_WEIGHT = 0.6;
/** How much of the similarity comes from word stems; the rest from character trigrams. */
const WORD_SHARE = 0.72;
/** Intent score = BEST_SHARE · best example + (1 − BEST_SHARE) · mean of the next two. */
const BEST_SHARE = 0.8;

type Features = Map<string, number>;

function addFeature(features: Features, key: string, weight: number): void {
  features.set(key, (features.get(key) ?? 0) + weight);
}

/** Word-space features: stems and adjacent stem pairs. Keys start with "w" or "b". */
function wordFeatures(tokens: readonly Token[], tokenWeights?: readonly number[]): Features {
  const features: Features = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const weight = (tokenWeights?.[i] ?? 1) * (token.stop ? STOP_WEIGHT : 1);
    addFeature(features, `w${token.stem}`, weight);
    const next = tokens[i + 1];
    if (next && !(token.stop && next.stop)) {
      addFeature(features, `b${token.stem} ${next.stem}`, BIGRAM_WEIGHT * weight);
    }
  }
  return features;
}

/** Character trigrams of the content words as typed, padded so that word starts count. */
function charFeatures(tokens: readonly Token[], tokenWeights?: readonly number[]): Features {
  const features: Features = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.stop || token.word.length < 3) continue;
    const padded = ` ${token.word} `;
    const weight = tokenWeights?.[i] ?? 1;
    for (let j = 0; j + 3 <= padded.length; j++) addFeature(features, `c${padded.slice(j, j + 3)}`, weight);
  }
  return features;
}

interface Space {
  idf: Map<string, number>;
  /** feature → [example index, normalised weight] pairs. */
  postings: Map<string, { examples: number[]; weights: number[] }>;
  /** IDF given to a feature no example has: rare, so it makes a query less similar to all. */
  unknownIdf: number;
}

function buildSpace(perExample: Features[]): Space {
  const df = new Map<string, number>();
  for (const features of perExample) for (const key of features.keys()) df.set(key, (df.get(key) ?? 0) + 1);
  const n = perExample.length;
  const idf = new Map<string, number>();
  for (const [key, count] of df) idf.set(key, Math.log(1 + n / count));
  const postings: Space['postings'] = new Map();
  perExample.forEach((features, index) => {
    let norm = 0;
    for (const [key, weight] of features) norm += (weight * (idf.get(key) ?? 0)) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (const [key, weight] of features) {
      let list = postings.get(key);
      if (!list) {
        list = { examples: [], weights: [] };
        postings.set(key, list);
      }
      list.examples.push(index);
      list.weights.push((weight * (idf.get(key) ?? 0)) / norm);
    }
  });
  return { idf, postings, unknownIdf: Math.log(1 + n) * 0.5 };
}

/** Adds the cosine similarity of the query to every example into `into`, scaled by `share`. */
function accumulate(space: Space, query: Features, into: Float64Array, share: number): void {
  let norm = 0;
  for (const [key, weight] of query) norm += (weight * (space.idf.get(key) ?? space.unknownIdf)) ** 2;
  if (norm === 0) return;
  const scale = share / Math.sqrt(norm);
  for (const [key, weight] of query) {
    const list = space.postings.get(key);
    if (!list) continue;
    const q = weight * (space.idf.get(key) ?? 0) * scale;
    const { examples, weights } = list;
    for (let i = 0; i < examples.length; i++) {
      const example = examples[i] as number;
      into[example] = (into[example] ?? 0) + q * (weights[i] as number);
    }
  }
}

export interface IntentModel {
  /** Every intent with its score in [0, 1], best first. */
  rank(tokens: readonly Token[], tokenWeights?: readonly number[]): RankedIntent[];
}

export function createIntentModel(phrases: readonly LabelledPhrase[]): IntentModel {
  const words = buildSpace(phrases.map((p) => wordFeatures(p.tokens)));
  const chars = buildSpace(phrases.map((p) => charFeatures(p.tokens)));
  const intents = [...new Set(phrases.map((p) => p.intent))];
  const intentIndex = new Map(intents.map((intent, index) => [intent, index]));
  const exampleIntent = Int32Array.from(phrases.map((p) => intentIndex.get(p.intent) ?? 0));
  const similarity = new Float64Array(phrases.length);

  return {
    rank(tokens, tokenWeights) {
      similarity.fill(0);
      accumulate(words, wordFeatures(tokens, tokenWeights), similarity, WORD_SHARE);
      accumulate(chars, charFeatures(tokens, tokenWeights), similarity, 1 - WORD_SHARE);
      // Top three similarities per intent, kept sorted.
      const top = new Float64Array(intents.length * 3);
      for (let i = 0; i < similarity.length; i++) {
        const s = similarity[i] as number;
        const base = (exampleIntent[i] as number) * 3;
        if (s > (top[base + 2] as number)) {
          if (s > (top[base] as number)) {
            top[base + 2] = top[base + 1] as number;
            top[base + 1] = top[base] as number;
            top[base] = s;
          } else if (s > (top[base + 1] as number)) {
            top[base + 2] = top[base + 1] as number;
            top[base + 1] = s;
          } else top[base + 2] = s;
        }
      }
      return intents
        .map((intent, k) => ({
          intent,
          score:
            BEST_SHARE * (top[k * 3] as number) +
            ((1 - BEST_SHARE) * ((top[k * 3 + 1] as number) + (top[k * 3 + 2] as number))) / 2,
        }))
        .sort((a, b) => b.score - a.score);
    },
  };
}
