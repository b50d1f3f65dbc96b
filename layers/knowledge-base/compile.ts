/**
 * Compiles the knowledge base's model ahead of time into kb/compiled/model.bin, so that the bot
 * starts by reading it instead of stemming every example phrasing. Run after editing
 * example phrasings: `node --import tsx layers/knowledge-base/compile.ts` (the knowledge-base
 * test fails while the compiled file is stale; the bot still answers correctly meanwhile).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPILED_FILE, loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { compileBot } from '#domain/bot/compile-bot.ts';
import { encodeCompiledBot } from '#domain/bot/compiled-bot.ts';

const dir = process.argv[2] ?? join(import.meta.dirname, 'kb');
const compiled = compileBot(loadKnowledgeBase(dir, { compiled: false }));
const target = join(dir, COMPILED_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, encodeCompiledBot(compiled));
console.log(
  `compiled ${compiled.model.exampleIntent.length} example phrasings into ${target} (${compiled.fingerprint})`,
);
