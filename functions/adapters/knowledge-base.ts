/**
 * Loads the bot's knowledge base from a directory of JSON files (the knowledge-base Lambda layer,
 * `/opt/kb` in AWS, `layers/knowledge-base/kb` locally; env KNOWLEDGE_BASE_DIR). One file per
 * intent, plus `dialogue.json` for what the bot says around a handover, and the model compiled
 * ahead of time in `compiled/model.bin` (functions/domain/bot/compiled-bot.ts). Synchronous on
 * purpose: it runs once at module init. Any broken entry throws with the file name and the zod issues, so a
 * bad content change fails the deployment's tests instead of reaching citizens.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCompiledBot } from '#domain/bot/compiled-bot.ts';
import { type KnowledgeBase, knowledgeBaseSchema } from '#domain/bot/knowledge-base-schema.ts';

export type { KnowledgeBase } from '#domain/bot/knowledge-base-schema.ts';

const DIALOGUE_FILE = 'dialogue.json';
/** Written by layers/knowledge-base/compile.ts; optional, the bot builds its model without it. */
export const COMPILED_FILE = join('compiled', 'model.bin');

function readFile<T>(path: string, decode: (bytes: Buffer) => T): T {
  try {
    return decode(readFileSync(path));
  } catch (error) {
    throw new Error(`knowledge base: cannot read ${path}: ${(error as Error).message}`);
  }
}

const readJson = (path: string): unknown => readFile(path, (bytes) => JSON.parse(bytes.toString('utf8')));

/**
 * @param options.compiled whether to read the compiled model (default true); the compiler reads
 * without it, so that a broken or older `model.bin` never stops it from writing a new one.
 */
export function loadKnowledgeBase(dir: string, options: { compiled?: boolean } = {}): KnowledgeBase {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (!files.includes(DIALOGUE_FILE))
    throw new Error(`knowledge base: ${join(dir, DIALOGUE_FILE)} is missing`);
  const intentFiles = files.filter((name) => name !== DIALOGUE_FILE);
  const raw = {
    intents: intentFiles.map((name) => readJson(join(dir, name))),
    dialogue: readJson(join(dir, DIALOGUE_FILE)),
    ...(options.compiled !== false && existsSync(join(dir, COMPILED_FILE))
      ? { compiled: readFile(join(dir, COMPILED_FILE), decodeCompiledBot) }
      : {}),
  };
  const parsed = knowledgeBaseSchema.safeParse(raw);
  if (!parsed.success) {
    const where = (path: readonly PropertyKey[]) =>
      path[0] === 'intents' && typeof path[1] === 'number'
        ? `${intentFiles[path[1]]}: ${path.slice(2).join('.')}`
        : path.join('.');
    const details = parsed.error.issues.map((issue) => `  ${where(issue.path)}: ${issue.message}`).join('\n');
    throw new Error(`knowledge base in ${dir} is invalid:\n${details}`);
  }
  return parsed.data;
}
