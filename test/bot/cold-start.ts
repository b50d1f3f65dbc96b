/**
 * Cold start of the bot as the worker runs it: bundles loader + bot with esbuild (minified, as the
 * house NodejsFunction does), then times module init — loading the knowledge base and createBot —
 * in fresh Node processes. Also reports the bundle size (the knowledge base is not in it: it is
 * the layer).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

export async function measureColdStart(
  kbDir: string,
  runs = 7,
): Promise<{ bundleKb: number; initMs: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bot-cold-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `const start = performance.now();`,
        `const { loadKnowledgeBase } = await import(${JSON.stringify(join(root, 'functions/adapters/knowledge-base.ts'))});`,
        `const { createBot } = await import(${JSON.stringify(join(root, 'functions/domain/bot/index.ts'))});`,
        `createBot(loadKnowledgeBase(${JSON.stringify(kbDir)}));`,
        `console.log(performance.now() - start);`,
      ].join('\n'),
    );
    const outfile = join(dir, 'bot.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    const initMs: number[] = [];
    for (let i = 0; i < runs; i++)
      initMs.push(Number(execFileSync(process.execPath, [outfile], { encoding: 'utf8' })));
    return { bundleKb: statSync(outfile).size / 1024, initMs: initMs.sort((a, b) => a - b) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
