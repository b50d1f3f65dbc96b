/**
 * The measurement behind functions/adapters/dynamodb/message-body.ts: how small and how fast each
 * node:zlib codec makes the bot's stored replies (the text and suggestions of every knowledge-base
 * intent's answer, RU and EN, to its first example phrasing), and what compression saves on short
 * texts (the example phrasings and prefixes of the answers, by length), which sets the threshold.
 * Run: `node --import tsx test/bench/message-body.ts` (docs/benchmarks.md, "Message bodies compressed").
 */
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { createBot } from '#domain/bot/index.ts';
import { repoPath } from '../../infra/paths.ts';

const kb = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));
const bot = createBot(kb);
const LANGS = ['ru', 'en'] as const;

const brotli = (quality: number) => (input: Buffer) =>
  brotliCompressSync(input, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_LGWIN]: 16,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.byteLength,
    },
  });
const CODECS: [string, (input: Buffer) => Buffer][] = [
  ['deflate (raw, level 6)', (input) => deflateRawSync(input, { level: 6 })],
  ['deflate (raw, level 9)', (input) => deflateRawSync(input, { level: 9 })],
  ['brotli quality 4', brotli(4)],
  ['brotli quality 6 (chosen)', brotli(6)],
  ['brotli quality 9', brotli(9)],
  ['brotli quality 11', brotli(11)],
];

const replies = kb.intents.flatMap((intent) =>
  LANGS.flatMap((lang) => {
    const question = intent.examples[lang][0];
    if (question === undefined) return [];
    const { text, suggestions } = bot.reply({ text: question, lang });
    return [Buffer.from(JSON.stringify({ text, suggestions }), 'utf8')];
  }),
);
const plain = replies.reduce((n, body) => n + body.byteLength, 0);
console.log(`${replies.length} replies, ${plain} bytes of JSON (mean ${Math.round(plain / replies.length)})`);
console.log('codec                        ratio   µs per body');
for (const [name, compress] of CODECS) {
  const stored = replies.reduce((n, body) => n + 1 + compress(body).byteLength, 0);
  for (const body of replies) compress(body); // warm
  const rounds = 20;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) for (const body of replies) compress(body);
  const micros = Number(process.hrtime.bigint() - started) / 1000 / rounds / replies.length;
  console.log(`${name.padEnd(28)} ${(stored / plain).toFixed(3)}   ${micros.toFixed(0)}`);
}

// Short texts: what the chosen codec saves by the plain JSON's length (64-byte buckets).
const texts = kb.intents.flatMap((intent) =>
  LANGS.flatMap((lang) => {
    const answer = intent.answer[lang];
    const prefixes = Array.from({ length: Math.floor(answer.length / 40) }, (_, i) =>
      answer.slice(0, 40 * (i + 1)),
    );
    return [...intent.examples[lang], ...prefixes];
  }),
);
const buckets = new Map<number, { n: number; plain: number; stored: number }>();
for (const text of texts) {
  const json = Buffer.from(JSON.stringify({ text }), 'utf8');
  const bucket = Math.floor(json.byteLength / 64) * 64;
  if (bucket >= 640) continue;
  const entry = buckets.get(bucket) ?? { n: 0, plain: 0, stored: 0 };
  entry.n += 1;
  entry.plain += json.byteLength;
  entry.stored += 1 + brotli(6)(json).byteLength;
  buckets.set(bucket, entry);
}
console.log('\nplain JSON bytes   texts   ratio   bytes saved (mean)');
for (const [bucket, { n, plain: p, stored }] of [...buckets].sort(([a], [b]) => a - b))
  console.log(
    `${`${bucket}–${bucket + 63}`.padEnd(18)} ${String(n).padStart(5)}   ${(stored / p).toFixed(2)}    ${Math.round((p - stored) / n)}`,
  );
