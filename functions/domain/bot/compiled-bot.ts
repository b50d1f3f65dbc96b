/**
 * The compiled bot's shape: what `kb/compiled/model.idx` holds (the vocabulary and the intent model,
 * with the revision and fingerprint that tell whether it still matches the content), and the cheap
 * check the knowledge base's schema runs on it. Compiling it is `compile-bot.ts`'s job.
 */
import type { IntentModelData } from './model.ts';
import type { VocabularyData } from './vocabulary.ts';

export interface CompiledBot {
  revision: string;
  fingerprint: string;
  vocabulary: VocabularyData;
  model: IntentModelData;
}

/** A cheap shape check (the file is machine-written; a full zod pass over its arrays costs ms). */
export function isCompiledBot(value: unknown): value is CompiledBot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<CompiledBot>;
  return (
    typeof v.revision === 'string' &&
    typeof v.fingerprint === 'string' &&
    Array.isArray(v.vocabulary?.words) &&
    Array.isArray(v.model?.exampleIntent) &&
    Array.isArray(v.model?.words?.offsets) &&
    Array.isArray(v.model?.chars?.offsets)
  );
}
