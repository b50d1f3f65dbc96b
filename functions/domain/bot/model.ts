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

/** Word-space features: stems, and adjacent stem pairs (keys with a space). */
function wordFeatures(tokens: readonly Token[], tokenWeights?: readonly number[]): Features {
  const features: Features = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const weight = (tokenWeights?.[i] ?? 1) * (token.stop ? STOP_WEIGHT : 1);
    // A stop word is its own feature, never a stem: «меня» must not match «меняется» (stem «меня»).
    addFeature(features, token.stop ? `~${token.word}` : token.stem, weight);
    const next = tokens[i + 1];
    if (next && !(token.stop && next.stop))
      addFeature(features, `${token.stem} ${next.stem}`, BIGRAM_WEIGHT * weight);
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
    for (let j = 0; j + 3 <= padded.length; j++) addFeature(features, padded.slice(j, j + 3), weight);
  }
  return features;
}

/**
 * One feature space as plain data (so it can be compiled ahead of time into the layer): features
 * numbered, their IDF, and posting lists of normalised weights stored flat — the postings of
 * feature `f` are `examples/weights[offsets[f] .. offsets[f + 1])`.
 */
export interface SpaceData {
  features: string[];
  /** Arrays when compiled, typed arrays over the file's bytes when loaded (compiled-bot.ts). */
  idf: ArrayLike<number>;
  offsets: ArrayLike<number>;
  examples: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/** Four significant digits: plenty for ranking, and the compiled index stays small. */
const round = (value: number) => Number(value.toPrecision(4));

function compileSpace(perExample: readonly Features[]): SpaceData {
  const ids = new Map<string, number>();
  const df: number[] = [];
  for (const features of perExample) {
    for (const key of features.keys()) {
      const id = ids.get(key);
      if (id === undefined) {
        ids.set(key, df.length);
        df.push(1);
      } else df[id] = (df[id] as number) + 1;
    }
  }
  const n = perExample.length;
  const idf = df.map((count) => round(Math.log(1 + n / count)));
  const offsets = [0];
  for (const count of df) offsets.push((offsets[offsets.length - 1] as number) + count);
  const total = offsets[offsets.length - 1] as number;
  const examples = new Array<number>(total).fill(0);
  const weights = new Array<number>(total).fill(0);
  const filled = offsets.slice(0, -1);
  perExample.forEach((features, example) => {
    let norm = 0;
    for (const [key, weight] of features) norm += (weight * (idf[ids.get(key) as number] as number)) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (const [key, weight] of features) {
      const id = ids.get(key) as number;
      const slot = filled[id] as number;
      examples[slot] = example;
      weights[slot] = round((weight * (idf[id] as number)) / norm);
      filled[id] = slot + 1;
    }
  });
  return { features: [...ids.keys()], idf, offsets, examples, weights };
}

interface Space {
  ids: Map<string, number>;
  idf: Float64Array;
  offsets: Int32Array;
  examples: Int32Array;
  weights: Float64Array;
  /** IDF of a feature no example has: a word the model never saw makes a query less like all. */
  unknownIdf: number;
}

/**
 * How much a word the model never saw weighs, against the rarest word it knows: enough that a
 * question about something else looks like nothing in the knowledge base, not so much that a
 * citizen's own word for it («эсэмэска», «кляуза») sinks a question the rest of the message asks
 * plainly. Three quarters: on three held-out probes (420 questions, docs/bot.md) six more right and
 * one off-topic question more answered than at the full weight; at a half, eleven and five.
 */
const UNKNOWN_WEIGHT = 0.75;

/** Typed arrays as they are (a loaded model's views), arrays copied into one. */
const asFloat64 = (values: ArrayLike<number>) =>
  values instanceof Float64Array ? values : Float64Array.from(values);
const asInt32 = (values: ArrayLike<number>) =>
  values instanceof Int32Array ? values : Int32Array.from(values);

function hydrateSpace(data: SpaceData, exampleCount: number): Space {
  return {
    ids: new Map(data.features.map((feature, id) => [feature, id])),
    idf: asFloat64(data.idf),
    offsets: asInt32(data.offsets),
    examples: asInt32(data.examples),
    weights: asFloat64(data.weights),
    unknownIdf: UNKNOWN_WEIGHT * Math.log(1 + exampleCount),
  };
}

/** Adds the cosine similarity of the query to every example into `into`, scaled by `share`. */
function accumulate(space: Space, query: Features, into: Float64Array, share: number): void {
  let norm = 0;
  for (const [key, weight] of query) {
    const id = space.ids.get(key);
    norm += (weight * (id === undefined ? space.unknownIdf : (space.idf[id] as number))) ** 2;
  }
  if (norm === 0) return;
  const scale = share / Math.sqrt(norm);
  for (const [key, weight] of query) {
    const id = space.ids.get(key);
    if (id === undefined) continue;
    const q = weight * (space.idf[id] as number) * scale;
    const end = space.offsets[id + 1] as number;
    for (let i = space.offsets[id] as number; i < end; i++) {
      const example = space.examples[i] as number;
      into[example] = (into[example] as number) + q * (space.weights[i] as number);
    }
  }
}

/** The model as plain data: what `compileIntentModel` produces and the layer ships (compiled-bot.ts). */
export interface IntentModelData {
  intents: string[];
  /** Index into `intents` of each example phrasing. */
  exampleIntent: ArrayLike<number>;
  words: SpaceData;
  chars: SpaceData;
}

export function compileIntentModel(phrases: readonly LabelledPhrase[]): IntentModelData {
  const intents = [...new Set(phrases.map((p) => p.intent))];
  const intentIndex = new Map(intents.map((intent, index) => [intent, index]));
  return {
    intents,
    exampleIntent: phrases.map((p) => intentIndex.get(p.intent) ?? 0),
    words: compileSpace(phrases.map((p) => wordFeatures(p.tokens))),
    chars: compileSpace(phrases.map((p) => charFeatures(p.tokens))),
  };
}

export interface IntentModel {
  /** Every intent with its score in [0, 1], best first. */
  rank(tokens: readonly Token[], tokenWeights?: readonly number[]): RankedIntent[];
}

export function createIntentModel(data: IntentModelData): IntentModel {
  const exampleCount = data.exampleIntent.length;
  const words = hydrateSpace(data.words, exampleCount);
  const chars = hydrateSpace(data.chars, exampleCount);
  const intents = data.intents;
  const exampleIntent = asInt32(data.exampleIntent);
  const similarity = new Float64Array(exampleCount);
  const top = new Float64Array(intents.length * 3);

  return {
    rank(tokens, tokenWeights) {
      similarity.fill(0);
      top.fill(0);
      accumulate(words, wordFeatures(tokens, tokenWeights), similarity, WORD_SHARE);
      accumulate(chars, charFeatures(tokens, tokenWeights), similarity, 1 - WORD_SHARE);
      // The three best similarities of each intent, kept sorted in `top`.
      for (let i = 0; i < similarity.length; i++) {
        const s = similarity[i] as number;
        const base = (exampleIntent[i] as number) * 3;
        if (s <= (top[base + 2] as number)) continue;
        if (s > (top[base] as number)) {
          top[base + 2] = top[base + 1] as number;
          top[base + 1] = top[base] as number;
          top[base] = s;
        } else if (s > (top[base + 1] as number)) {
          top[base + 2] = top[base + 1] as number;
          top[base + 1] = s;
        } else top[base + 2] = s;
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
