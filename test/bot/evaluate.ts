/**
 * The bot's quality harness: runs a bot over labelled questions and measures accuracy, per-intent
 * precision and recall, the confusions, and the latency of `reply`. A case may also name the facts
 * the answer must state (`says`) and the moment it is asked (`at`): the MFC answers are graded on
 * what they say, not only on the intent. Shared by `npm run eval:bot`
 * (which prints it) and by the vitest specs (which hold the figures to their targets).
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { BotReply } from '#domain/bot/index.ts';
import type { MfcBot } from '#domain/mfc/mfc-bot.ts';

const evalCaseSchema = z
  .object({
    text: z.string().min(1),
    /** Any of these intents is a right answer. */
    expect: z.array(z.string()).min(1),
    lang: z.enum(['ru', 'en']).default('ru'),
    context: z
      .object({
        lastBotIntent: z.string().optional(),
        consecutiveFallbacks: z.number().int().optional(),
        verified: z.boolean().optional(),
      })
      .optional(),
    /** When set, the reply must (or must not) hand over to a person. */
    escalate: z.boolean().optional(),
    /** The moment the question is asked (ISO): answers about "now" and "tomorrow" depend on it. */
    at: z.iso.datetime().optional(),
    /** Facts the answer must state (substrings of its text): the office's hours, the documents. */
    says: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type EvalCase = z.infer<typeof evalCaseSchema>;

export function readEvalCases(path: string): EvalCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, index) => {
      const parsed = evalCaseSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

export interface Miss {
  case: EvalCase;
  got: BotReply;
}

export interface EvalReport {
  total: number;
  correct: number;
  accuracy: number;
  misses: Miss[];
  /** intent → {precision, recall, support}. */
  perIntent: Map<string, { precision: number; recall: number; support: number }>;
  /** "expected → got" → count. */
  confusions: Map<string, number>;
}

function isRight(testCase: EvalCase, reply: BotReply): boolean {
  if (!testCase.expect.includes(reply.intent)) return false;
  if (testCase.says?.some((fact) => !reply.text.includes(fact))) return false;
  return testCase.escalate === undefined || testCase.escalate === reply.escalate;
}

/** The bot's reply to one case, at the case's moment when it names one. */
export function replyTo(bot: MfcBot, testCase: EvalCase): BotReply {
  return bot.reply({
    text: testCase.text,
    lang: testCase.lang,
    context: testCase.context,
    ...(testCase.at ? { now: new Date(testCase.at) } : {}),
  });
}

export function evaluate(bot: MfcBot, cases: readonly EvalCase[]): EvalReport {
  const misses: Miss[] = [];
  const truePositives = new Map<string, number>();
  const predicted = new Map<string, number>();
  const actual = new Map<string, number>();
  const confusions = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const testCase of cases) {
    const reply = replyTo(bot, testCase);
    const expected = testCase.expect[0] as string;
    bump(actual, expected);
    bump(predicted, reply.intent);
    if (testCase.expect.includes(reply.intent)) bump(truePositives, reply.intent);
    else bump(confusions, `${expected} → ${reply.intent}`);
    if (!isRight(testCase, reply)) misses.push({ case: testCase, got: reply });
  }
  const perIntent = new Map<string, { precision: number; recall: number; support: number }>();
  for (const intent of new Set([...actual.keys(), ...predicted.keys()])) {
    const tp = truePositives.get(intent) ?? 0;
    perIntent.set(intent, {
      precision: tp / (predicted.get(intent) || 1),
      recall: tp / (actual.get(intent) || 1),
      support: actual.get(intent) ?? 0,
    });
  }
  const correct = cases.length - misses.length;
  return { total: cases.length, correct, accuracy: correct / cases.length, misses, perIntent, confusions };
}

/** Latency of `reply` over the given texts, repeated: p50 and p99 in milliseconds. */
export function measureLatency(
  bot: MfcBot,
  cases: readonly EvalCase[],
  rounds = 5,
): { p50: number; p99: number } {
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const testCase of cases) {
      const start = performance.now();
      replyTo(bot, testCase);
      timings.push(performance.now() - start);
    }
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}
