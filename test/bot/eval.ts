/**
 * `npm run eval:bot`: the bot's figures, printed. Accuracy on the public samples
 * (test/bot/public-samples.jsonl, the portal's published examples) and on our own evaluation set (test/bot/eval-set.jsonl, written
 * apart from the knowledge base's example phrasings), per-intent precision/recall, confusions,
 * every miss, and the latency of reply and suggest.
 */
import { join } from 'node:path';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { createBot } from '#domain/bot/index.ts';
import { createMfcBot } from '#domain/mfc/mfc-bot.ts';
import { measureColdStart } from './cold-start.ts';
import { type EvalReport, evaluate, measureLatency, readEvalCases } from './evaluate.ts';

const root = join(import.meta.dirname, '..', '..');
const kbDir = process.env.KNOWLEDGE_BASE_DIR ?? join(root, 'layers', 'knowledge-base', 'kb');
const samplesPath = join(import.meta.dirname, 'public-samples.jsonl');

const loadStart = performance.now();
const kb = loadKnowledgeBase(kbDir);
const built = performance.now();
// The bot as the worker runs it: the MFC directory behind the knowledge base.
const bot = createMfcBot(createBot(kb), loadMfcDirectory(join(root, 'layers', 'knowledge-base', 'mfc')), {
  clock: { now: () => new Date() },
  checklistUrl: (service, lang) => `https://portal.example/mfc/checklist/${service.id}.${lang}.html`,
});
const ready = performance.now();

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function print(title: string, report: EvalReport, details: boolean): void {
  console.log(`\n## ${title}: ${percent(report.accuracy)} (${report.correct}/${report.total})`);
  if (!details) return;
  console.log('\nintent                          precision  recall  support');
  for (const [intent, m] of [...report.perIntent].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(
      `${intent.padEnd(32)}${percent(m.precision).padStart(9)}${percent(m.recall).padStart(8)}${String(m.support).padStart(9)}`,
    );
  }
  if (report.confusions.size > 0) {
    console.log('\nconfusions (expected → got):');
    for (const [pair, count] of [...report.confusions].sort((a, b) => b[1] - a[1]))
      console.log(`  ${count} × ${pair}`);
  }
  if (report.misses.length > 0) {
    console.log('\nmisses:');
    for (const { case: c, got } of report.misses) {
      console.log(
        `  [${c.expect.join('|')}${c.escalate === undefined ? '' : c.escalate ? ' +escalate' : ' -escalate'}] → ${got.intent} (${got.confidence}${got.escalate ? ', escalates' : ''}): ${c.text}`,
      );
    }
  }
}

print('public samples (test/bot/public-samples.jsonl)', evaluate(bot, readEvalCases(samplesPath)), true);
const ownCases = readEvalCases(join(import.meta.dirname, 'eval-set.jsonl'));
print('own evaluation set (test/bot/eval-set.jsonl)', evaluate(bot, ownCases), true);
print(
  'held-out probes (test/bot/probe-set.jsonl: 570 questions written apart, docs/bot.md)',
  evaluate(bot, readEvalCases(join(import.meta.dirname, 'probe-set.jsonl'))),
  true,
);

const latency = measureLatency(bot, ownCases);
const suggestTimes: number[] = [];
for (const c of ownCases) {
  for (const length of [3, 8, 15]) {
    const start = performance.now();
    bot.suggest(c.text.slice(0, length), c.lang);
    suggestTimes.push(performance.now() - start);
  }
}
suggestTimes.sort((a, b) => a - b);
console.log('\n## speed (in-process, this machine)');
console.log(
  `knowledge base load + validation: ${(built - loadStart).toFixed(1)} ms; createBot: ${(ready - built).toFixed(1)} ms`,
);
console.log(`reply latency: p50 ${latency.p50.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms`);
console.log(
  `suggest latency: p99 ${(suggestTimes[Math.floor(0.99 * suggestTimes.length)] ?? 0).toFixed(3)} ms`,
);

const cold = await measureColdStart(kbDir);
const median = cold.initMs[Math.floor(cold.initMs.length / 2)] ?? 0;
console.log(
  `cold start (fresh process, minified bundle of ${cold.bundleKb.toFixed(0)} KB incl. zod): module init median ${median.toFixed(1)} ms, max ${(cold.initMs.at(-1) ?? 0).toFixed(1)} ms`,
);
