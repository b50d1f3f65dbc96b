/**
 * Compiles the knowledge base's model ahead of time into kb/compiled/model.idx, so that the bot
 * worker starts with a JSON parse instead of stemming every example phrasing. Run after editing
 * example phrasings: `node --import tsx layers/knowledge-base/compile.ts` (the knowledge-base
 * test fails while the compiled file is stale; the bot still answers correctly meanwhile).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { compileBot } from '#domain/bot/compile-bot.ts';

const dir = process.argv[2] ?? join(import.meta.dirname, 'kb');
const compiled = compileBot(loadKnowledgeBase(dir));
mkdirSync(join(dir, 'compiled'), { recursive: true });
const target = join(dir, 'compiled', 'model.idx');
writeFileSync(target, `${JSON.stringify(compiled)}\n`);
console.log(
  `compiled ${compiled.model.exampleIntent.length} example phrasings into ${target} (${compiled.fingerprint})`,
);
