import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { compileBot } from './compile-bot.ts';
import { type CompiledBot, decodeCompiledBot, encodeCompiledBot, isCompiledBot } from './compiled-bot.ts';
import { createIntentModel } from './model.ts';
import { normalizeText } from './normalize.ts';
import { analyze, createVocabulary } from './vocabulary.ts';

const KB_DIR = join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'kb');
const kb = loadKnowledgeBase(KB_DIR);
const compiled = compileBot(kb);

/** The intents a compiled bot ranks first for each question, with their scores. */
function rankings(bot: CompiledBot, questions: string[]) {
  const vocabulary = createVocabulary(bot.vocabulary);
  const model = createIntentModel(bot.model);
  return questions.map((question) => model.rank(analyze(normalizeText(question), vocabulary)).slice(0, 3));
}

const QUESTIONS = [
  'не приходит смс с кодом',
  'how do I reset my password',
  'где ближайший мфц и когда он работает',
  'my application was rejected, why?',
];

describe('the compiled bot file (model.bin)', () => {
  it('decodes to the model it encoded: the same numbers, the same rankings', () => {
    // Act
    const decoded = decodeCompiledBot(encodeCompiledBot(compiled));

    // Assess
    expect(isCompiledBot(decoded)).toBe(true);
    expect(decoded.fingerprint).toBe(compiled.fingerprint);
    expect(decoded.vocabulary).toEqual(compiled.vocabulary);
    for (const space of ['words', 'chars'] as const) {
      expect(decoded.model[space].features).toEqual(compiled.model[space].features);
      for (const field of ['idf', 'offsets', 'examples', 'weights'] as const) {
        expect(Array.from(decoded.model[space][field]), `${space}.${field}`).toEqual(
          compiled.model[space][field],
        );
      }
    }
    expect(Array.from(decoded.model.exampleIntent)).toEqual(compiled.model.exampleIntent);
    expect(rankings(decoded, QUESTIONS)).toEqual(rankings(compiled, QUESTIONS));
  });

  it('views the file where it is aligned and copies where it is not, with the same values', () => {
    // Arrange: the same bytes one byte into a larger buffer, so no array is aligned there.
    const bytes = encodeCompiledBot(compiled);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);

    // Act
    const aligned = decodeCompiledBot(bytes);
    const unaligned = decodeCompiledBot(shifted.subarray(1));

    // Assess
    expect((aligned.model.words.weights as Float64Array).buffer).toBe(bytes.buffer);
    expect((unaligned.model.words.weights as Float64Array).buffer).not.toBe(shifted.buffer);
    expect(Array.from(unaligned.model.chars.weights)).toEqual(compiled.model.chars.weights);
    expect(rankings(unaligned, QUESTIONS)).toEqual(rankings(compiled, QUESTIONS));
  });

  it('copies unaligned arrays out of a Node Buffer too (whose slice is a view)', () => {
    // Arrange: what readFileSync could hand over, one byte into its memory.
    const bytes = encodeCompiledBot(compiled);
    const memory = new ArrayBuffer(bytes.length + 1);
    new Uint8Array(memory).set(bytes, 1);
    const buffer = Buffer.from(memory, 1, bytes.length);

    // Act
    const decoded = decodeCompiledBot(buffer);

    // Assess
    expect(Array.from(decoded.model.words.idf)).toEqual(compiled.model.words.idf);
    expect(rankings(decoded, QUESTIONS)).toEqual(rankings(compiled, QUESTIONS));
  });

  it('refuses what is not a whole file of its format', () => {
    const bytes = encodeCompiledBot(compiled);
    expect(() => decodeCompiledBot(new TextEncoder().encode('{"revision":"x"}'))).toThrow(
      /not a SCBOTv1 file/,
    );
    expect(() => decodeCompiledBot(bytes.subarray(0, 40))).toThrow(/header is cut short/);
    expect(() => decodeCompiledBot(bytes.subarray(0, bytes.length - 8))).toThrow(
      /chars\.weights is cut short/,
    );
  });
});
