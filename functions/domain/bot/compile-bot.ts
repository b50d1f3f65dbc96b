/**
 * The bot compiled ahead of time. Building the model from ~1,500 example phrasings (stemming,
 * features, IDF) costs tens of milliseconds on a cold Lambda; the same work done by
 * `layers/knowledge-base/compile.ts` and shipped as `kb/compiled/model.bin` is a file read.
 * A fingerprint of the examples and of the model's revision tells whether the compiled file still
 * matches the content: if an editor changed the examples and did not recompile, the bot builds
 * the model itself (slower start, same answers) and a test fails until the file is regenerated.
 */
import type { CompiledBot } from './compiled-bot.ts';
import type { KnowledgeBase } from './knowledge-base-schema.ts';
import { compileIntentModel } from './model.ts';
import { normalizeText } from './normalize.ts';
import { analyze, compileVocabulary, createVocabulary } from './vocabulary.ts';

/** Bump when features, weights, stop words or normalisation change what compiling produces. */
const MODEL_REVISION = 'tfidf-knn-4';

/** FNV-1a over the examples and the revision: cheap, deterministic, no crypto needed. */
export function fingerprintOf(kb: Pick<KnowledgeBase, 'intents'>): string {
  const text = JSON.stringify([MODEL_REVISION, kb.intents.map((entry) => [entry.intent, entry.examples])]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16).padStart(8, '0')}-${text.length}`;
}

export function compileBot(kb: Pick<KnowledgeBase, 'intents'>): CompiledBot {
  const phrases = kb.intents.flatMap((entry) =>
    [...entry.examples.ru, ...entry.examples.en].map((text) => ({ intent: entry.intent, text })),
  );
  const vocabularyData = compileVocabulary(phrases.map((p) => p.text));
  const vocabulary = createVocabulary(vocabularyData);
  const model = compileIntentModel(
    phrases.map(({ intent, text }) => ({ intent, tokens: analyze(normalizeText(text), vocabulary) })),
  );
  return { revision: MODEL_REVISION, fingerprint: fingerprintOf(kb), vocabulary: vocabularyData, model };
}
