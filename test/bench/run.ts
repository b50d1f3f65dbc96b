/**
 * `npm run bench`: N concurrent citizens on the local stack, each sending M messages one after the
 * other (send → ack → bot reply), then checking its history. Prints p50/p95/p99 of send→ack and
 * send→bot reply, the offered and achieved rates, and how many messages were lost or duplicated.
 *
 * BENCH_CLIENTS (50), BENCH_MESSAGES (20 per client), BENCH_WARMUP (3 per client, not measured).
 * BENCH_THINK_MS (1000): after each reply a client waits a random 50–150 % of this, like a person
 * reading and typing, so the load is paced and the figures are latencies. 0 sends the next message
 * as soon as the reply arrives (closed loop): that measures saturation, not latency.
 * BENCH_WS_URL: measure a stack that is already running instead of starting one.
 *
 * Efficiency: right before the load, the machine's yardstick (test/bench/yardstick.ts, the method of
 * the brief's calibrate.mjs: 50 raw PutItem writers against the stack's DynamoDB Local for
 * BENCH_YARDSTICK_SECONDS, 5; 0 skips it), and bot replies per second ÷ its puts per second, the
 * ratio held to ≥ 0.15 (docs/benchmarks.md, "Commands"). A stack given by BENCH_WS_URL is measured at BENCH_DYNAMODB_URL.
 *
 * Work: on Linux, the CPU time the load cost per citizen message in the stack's Node process and in
 * DynamoDB Local (test/bench/cpu-time.ts), and in the bench's own clients: a neighbour's load
 * stretches the latencies, not the CPU a message costs, so this is the figure to compare run to run.
 *
 * AWS calls: the stack the benchmark starts counts every call of its functions
 * (`LOCAL_COUNT_AWS_CALLS`, local/aws-calls.ts). Printed: what the load cost per citizen message
 * (its batches as they fell), then each counted flow of test/support/flows.ts driven alone — a bot
 * turn, a bot conversation, an escalated conversation, an operator reply, a citizen message to an
 * operator — the figures test/budgets.ts holds and `npm run cost` prices. A stack given by
 * BENCH_WS_URL is not counted.
 *
 * BENCH_PROFILE=<dir>: the stack runs with Node's CPU profiler and DynamoDB Local with Java Flight
 * Recorder, and after the run the load's samples are summarised: where each process spent its CPU
 * (test/bench/profiles.ts). Profilers add their own work: compare figures of profiled runs with
 * profiled runs only.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import * as z from 'zod';
import type { AwsCallsReport } from '../../local/aws-calls.ts';
import {
  COUNTING_STACK_ENV,
  FLOW_NAMES,
  type FlowFigures,
  figuresOf,
  measureFlows,
} from '../support/flows.ts';
import { PER_ADDRESS_LIMITS_LIFTED, startLocalStackProcess } from '../support/local-stack.ts';
import { ChatClient, type Frame } from '../support/ws-client.ts';
import { cpuPerMessage, stackCpu } from './cpu-time.ts';
import { type LoadSpan, profileReport, profiling, spanMark } from './profiles.ts';
import { measureYardstick, type Yardstick } from './yardstick.ts';

const settings = z
  .object({
    BENCH_CLIENTS: z.coerce.number().int().positive().default(50),
    BENCH_MESSAGES: z.coerce.number().int().positive().default(20),
    BENCH_WARMUP: z.coerce.number().int().min(0).default(3),
    BENCH_THINK_MS: z.coerce.number().min(0).default(1000),
    BENCH_WS_URL: z.string().optional(),
    /** DynamoDB Local of a stack given by BENCH_WS_URL, for the yardstick (the bench's own stack: its own). */
    BENCH_DYNAMODB_URL: z.string().optional(),
    /** Seconds of the yardstick before the load (0: none). */
    BENCH_YARDSTICK_SECONDS: z.coerce.number().min(0).default(5),
    /** A folder for the profiles of the stack the benchmark starts (none: not profiled). */
    BENCH_PROFILE: z.string().min(1).optional(),
  })
  .parse(process.env);

const QUESTIONS = [
  'забыл пароль от госуслуг',
  'не приходит смс с кодом',
  'как узнать статус заявления',
  'до скольки работает МФЦ',
  'номер горячей линии',
  'I forgot my password',
  'что взять с собой в МФЦ',
  'как получить выписку',
];

/** Resolves once `condition` holds; rejects at `deadline` (a `performance.now()` time). */
async function until(condition: () => boolean, deadline: number): Promise<void> {
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('no matching frame: no reply (10 s) in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A person's pause between messages: uniformly 50–150 % of BENCH_THINK_MS (mean BENCH_THINK_MS). */
function thinkTime(): Promise<void> {
  if (settings.BENCH_THINK_MS === 0) return Promise.resolve();
  const ms = settings.BENCH_THINK_MS * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Sample {
  ackMs: number;
  replyMs: number;
}

interface ClientResult {
  samples: Sample[];
  lost: number;
  duplicated: number;
  /** Why messages were counted lost: an error frame's code, a deadline, or a gap in history. */
  why: string[];
}

async function runClient(wsUrl: string, index: number): Promise<ClientResult> {
  const client = await ChatClient.connect(wsUrl, { lang: index % 5 === 0 ? 'en' : 'ru' });
  const samples: Sample[] = [];
  const why: string[] = [];
  let lost = 0;
  let conversationId: unknown;
  const total = settings.BENCH_WARMUP + settings.BENCH_MESSAGES;
  // A message's reply is the first bot message after its seq, among every frame the client received.
  const isReplyAfter = (seq: unknown) => (f: Frame) =>
    f.type === 'message' && f.from === 'bot' && Number(f.seq) > Number(seq);
  for (let i = 0; i < total; i++) {
    const started = performance.now();
    try {
      const ack = await client.request({
        action: 'message.send',
        clientMessageId: randomUUID(),
        text: QUESTIONS[(index + i) % QUESTIONS.length],
      });
      if (ack.type !== 'message.ack') throw new Error(`ack was ${JSON.stringify(ack)}`);
      conversationId = ack.conversationId;
      const ackMs = performance.now() - started;
      // The reply to this message, not a late reply to an earlier one (which a client that gave up
      // on that one would otherwise take for this one's, and run a message ahead of the bot ever after).
      await until(() => client.frames.some(isReplyAfter(ack.seq)), started + 10_000);
      const replyMs = performance.now() - started;
      if (i >= settings.BENCH_WARMUP) samples.push({ ackMs, replyMs });
    } catch (error) {
      lost++;
      why.push(`${lostReason(error)}${i < settings.BENCH_WARMUP ? ' (warm-up)' : ''}`);
    }
    if (i < total - 1) await thinkTime();
  }
  const history = await readWholeHistory(client, String(conversationId));
  await client.close();
  const seqs = history.map((m) => m.seq);
  const duplicated = seqs.length - new Set(seqs).size + Math.max(0, history.length - 2 * total);
  const missing = Math.max(0, 2 * total - new Set(seqs).size);
  lost += missing / 2;
  for (let n = 0; n < missing; n++) why.push('a message missing from history');
  return { samples, lost, duplicated, why };
}

function lostReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
  if (text.startsWith('ack was')) return `an error frame instead of the ack (${code ?? 'no code'})`;
  if (text.startsWith('no matching frame: no reply')) return 'no reply in 10 s';
  if (text.startsWith('no matching frame')) return 'no ack in 5 s';
  return text.slice(0, 80);
}

/** "3 × reason, 1 × other" */
function countReasons(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} × ${reason}`).join('; ');
}

async function readWholeHistory(client: ChatClient, conversationId: string) {
  const messages: { seq: number }[] = [];
  let hasMore = true;
  while (hasMore) {
    const afterSeq = messages.at(-1)?.seq ?? 0;
    const page = await client.request({ action: 'history.get', conversationId, afterSeq, limit: 100 });
    messages.push(...(page.messages as { seq: number }[]));
    hasMore = page.hasMore === true;
  }
  return messages;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summary(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (p: number) => percentile(sorted, p).toFixed(1).padStart(7);
  return `| ${name.padEnd(16)} | ${f(50)} | ${f(95)} | ${f(99)} | ${sorted.at(-1)?.toFixed(1).padStart(7)} |`;
}

/** Resets the stack's AWS call counts; false when it does not count them. */
async function resetCounts(httpUrl: string | undefined): Promise<boolean> {
  if (!httpUrl) return false;
  const response = await fetch(`${httpUrl}/local/aws-calls`, { method: 'DELETE' }).catch(() => undefined);
  return response?.status === 204;
}

const flowRow = (name: string, f: FlowFigures, per = 1) => {
  const n = (value: number) => (value / per).toFixed(per === 1 ? 1 : 2).replace(/\.0+$/, '');
  return `| ${name} | ${n(f.invocations)} | ${n(f.dynamodb.reads)} | ${n(f.dynamodb.readUnits)} | ${n(f.dynamodb.writes)} | ${n(f.dynamodb.writeUnits)} | ${n(f.sqs)} | ${n(f.connectionsApi)} | ${per === 1 ? n(f.websocketMessages) : '—'} |`;
};

const FLOW_TABLE_HEAD = [
  '| AWS requests | invocations | DynamoDB reads | read units | DynamoDB writes | write units | SQS | @connections | WebSocket messages |',
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
];

/** The yardstick and the run's efficiency: bot replies per second (one per citizen message) ÷ its puts per second. */
function efficiencyLine(yardstick: Yardstick, repliesPerSecond: number): string {
  return (
    `Yardstick (${yardstick.writers} raw PutItem writers on this stack's DynamoDB Local, just before the load): ` +
    `${yardstick.putsPerSecond.toFixed(0)} puts/s, p50 ${yardstick.p50Ms.toFixed(1)} ms, p99 ${yardstick.p99Ms.toFixed(1)} ms; ` +
    `efficiency ${repliesPerSecond.toFixed(1)} replies/s ÷ ${yardstick.putsPerSecond.toFixed(0)} puts/s = ` +
    `${(repliesPerSecond / yardstick.putsPerSecond).toFixed(3)} (target ≥ 0.15)`
  );
}

async function main() {
  const profileDir =
    settings.BENCH_PROFILE && !settings.BENCH_WS_URL ? resolve(settings.BENCH_PROFILE) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const profiled = profileDir ? profiling(profileDir) : undefined;
  const stack = settings.BENCH_WS_URL
    ? undefined
    : await startLocalStackProcess({
        env: { LOG_LEVEL: 'ERROR', ...COUNTING_STACK_ENV, ...PER_ADDRESS_LIMITS_LIFTED, ...profiled?.env },
        ...(profiled ? { nodeArgs: profiled.nodeArgs } : {}),
      });
  let span: LoadSpan | undefined;
  let sent = 0;
  const wsUrl = settings.BENCH_WS_URL ?? stack?.wsUrl ?? '';
  const httpUrl = stack?.httpUrl;
  try {
    const dynamoDbUrl = settings.BENCH_DYNAMODB_URL ?? stack?.functionEnv.AWS_ENDPOINT_URL_DYNAMODB;
    const yardstick =
      dynamoDbUrl && settings.BENCH_YARDSTICK_SECONDS > 0
        ? await measureYardstick(dynamoDbUrl, {
            writers: 50,
            seconds: settings.BENCH_YARDSTICK_SECONDS,
            region: stack?.functionEnv.AWS_REGION ?? 'eu-central-1',
          })
        : undefined;
    const counting = await resetCounts(httpUrl);
    const cpuBefore = stackCpu(stack?.pid);
    const clientsCpuBefore = process.cpuUsage();
    const started = performance.now();
    const from = spanMark();
    const results = await Promise.all(
      Array.from({ length: settings.BENCH_CLIENTS }, (_, i) => runClient(wsUrl, i)),
    );
    const to = spanMark();
    span = {
      monotonicFromUs: from.monotonicUs,
      monotonicToUs: to.monotonicUs,
      wallFromMs: from.wallMs,
      wallToMs: to.wallMs,
    };
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = stackCpu(stack?.pid);
    const clientsCpu = process.cpuUsage(clientsCpuBefore);
    const samples = results.flatMap((r) => r.samples);
    const lost = results.reduce((n, r) => n + r.lost, 0);
    const duplicated = results.reduce((n, r) => n + r.duplicated, 0);
    sent = settings.BENCH_CLIENTS * (settings.BENCH_WARMUP + settings.BENCH_MESSAGES);
    // Paced: each client offers one message per (think time + its own latency), so at most
    // clients / think time; closed loop: as fast as the stack answers.
    const offered =
      settings.BENCH_THINK_MS === 0
        ? 'closed loop (no think time): saturation'
        : `think time ${settings.BENCH_THINK_MS} ms ±50 %, offered ≤ ${((settings.BENCH_CLIENTS * 1000) / settings.BENCH_THINK_MS).toFixed(1)} messages/s`;
    const lines = [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
      `Clients: ${settings.BENCH_CLIENTS}, messages per client: ${settings.BENCH_MESSAGES} (+${settings.BENCH_WARMUP} warm-up), ${offered}`,
      `Achieved: ${sent} citizen messages in ${seconds.toFixed(1)} s = ${(sent / seconds).toFixed(1)} messages/s ` +
        `(${((sent * 2) / seconds).toFixed(1)} incl. bot replies), ${samples.length} measured`,
      ...(yardstick ? [efficiencyLine(yardstick, sent / seconds)] : []),
      '',
      '| latency (ms)     |     p50 |     p95 |     p99 |     max |',
      '|------------------|--------:|--------:|--------:|--------:|',
      summary(
        'send → ack',
        samples.map((s) => s.ackMs),
      ),
      summary(
        'send → bot reply',
        samples.map((s) => s.replyMs),
      ),
      '',
      `Lost: ${lost}, duplicated: ${duplicated}`,
      ...(cpuBefore && cpuAfter
        ? [
            `CPU per citizen message (/proc, the load's span, its history reads included): ${cpuPerMessage(cpuBefore, cpuAfter, sent)}, ` +
              `the bench's clients ${((clientsCpu.user + clientsCpu.system) / 1000 / sent).toFixed(1)} ms`,
          ]
        : []),
      ...(lost > 0 ? [`Why lost: ${countReasons(results.flatMap((r) => r.why))}`] : []),
      `Load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    ];
    if (counting && stack) {
      const load = (await (await fetch(`${stack.httpUrl}/local/aws-calls`)).json()) as AwsCallsReport;
      // The load's figures first: a flow that fails afterwards must not take them with it.
      process.stdout.write(`${lines.splice(0).join('\n')}\n`);
      const flows = await measureFlows(stack);
      lines.push(
        '',
        'AWS requests, counted (local/aws-calls.ts): the load above per citizen message (with its history reads), then each flow alone (test/support/flows.ts, the figures of test/budgets.ts):',
        '',
        ...FLOW_TABLE_HEAD,
        flowRow('the load, per citizen message', figuresOf(load, 0), sent),
        ...FLOW_NAMES.map((name) => flowRow(name, flows[name])),
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (lost > 0 || duplicated > 0) process.exitCode = 1;
  } finally {
    await stack?.stop();
  }
  // The profiles are written as the stack's processes exit.
  if (profileDir && stack && span) {
    const root = resolve(import.meta.dirname, '..', '..');
    process.stdout.write(`${profileReport(profileDir, stack.pid, span, sent, root).join('\n')}\n`);
  }
}

await main();
