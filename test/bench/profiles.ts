/**
 * `BENCH_PROFILE=<dir> npm run bench`: where the load's CPU goes, in both processes of the stack.
 * The stack the benchmark starts runs with Node's CPU profiler (`--cpu-prof`, one sample per
 * millisecond) and DynamoDB Local with Java Flight Recorder (`-XX:StartFlightRecording`, the JDK's
 * `profile` settings: a Java stack every 10 ms per running thread); both files are written into
 * `<dir>` when the stack stops. Only the samples taken during the load are summarised (the
 * stack's start-up and the counted flows that follow are left out):
 *
 * - the stack's Node process: self time by where the code lives (a package of node_modules, a
 *   folder of this repository, Node's own modules, the garbage collector), per citizen message;
 * - DynamoDB Local: the share of the JVM's samples in each of its own methods (inclusive), and the
 *   hottest frames (self): shares, not times (JFR samples a few running threads per period; the
 *   JVM's CPU per message is the run's /proc figure). Reading them needs the JDK's `jfr` tool
 *   (Java 17 ships it).
 *
 * Not a timed test: a tool for the passes of docs/benchmarks.md ("what dominates").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What makes the stack record a profile into `dir`: arguments of its Node process (its own, not
 * `NODE_OPTIONS`, which its child processes would inherit), and options of DynamoDB Local's JVM alone
 * (`LOCAL_DYNAMODB_JAVA_OPTIONS`, local/emulators.ts).
 */
export function profiling(dir: string): { nodeArgs: string[]; env: Record<string, string> } {
  return {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=1000'],
    env: {
      LOCAL_DYNAMODB_JAVA_OPTIONS: `-XX:StartFlightRecording=filename=${join(dir, 'dynamodb-local.jfr')},settings=profile,dumponexit=true`,
    },
  };
}

/** The part of the run a summary covers: a monotonic clock (µs, as V8 stamps samples) and the wall clock (ms). */
export interface LoadSpan {
  monotonicFromUs: number;
  monotonicToUs: number;
  wallFromMs: number;
  wallToMs: number;
}

/** Marks the load's start or end on both clocks. */
export function spanMark(): { monotonicUs: number; wallMs: number } {
  return { monotonicUs: Number(process.hrtime.bigint() / 1000n), wallMs: Date.now() };
}

export interface ProfileRow {
  name: string;
  /** Share of the busy samples (idle excluded), 0–1. */
  share: number;
  milliseconds: number;
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** Node's `.cpuprofile` format (V8's `Profiler.Profile`). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: `@scope/pkg` of node_modules, `functions/domain` of the repository, `node:internal`… */
export function codeRoom(callFrame: CpuProfileNode['callFrame'], root: string): string {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native ${functionName || 'code'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? 'node:internal' : url;
  if (url.startsWith('wasm:')) return 'wasm';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const inRepository = relative(root, path);
  if (!inRepository.startsWith('..')) return inRepository.split('/').slice(0, 2).join('/');
  return 'other';
}

/** Self time by code room over the span, busiest first; `(idle)` is left out of the shares. */
export function summarizeCpuProfile(profile: CpuProfile, span: LoadSpan, root: string): ProfileRow[] {
  const rooms = new Map<number, string>();
  for (const node of profile.nodes) rooms.set(node.id, codeRoom(node.callFrame, root));
  const byRoom = new Map<string, number>();
  let at = profile.startTime;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < span.monotonicFromUs || at > span.monotonicToUs) return;
    const room = rooms.get(id) ?? 'other';
    if (room === '(idle)') return;
    busy += delta;
    byRoom.set(room, (byRoom.get(room) ?? 0) + delta);
  });
  return [...byRoom]
    .map(([name, us]) => ({ name, share: busy === 0 ? 0 : us / busy, milliseconds: us / 1000 }))
    .sort((a, b) => b.milliseconds - a.milliseconds);
}

/** One `jdk.ExecutionSample` of `jfr print --json`: its time and its stack, innermost frame first. */
export interface JfrSample {
  startTime: string;
  frames: string[];
}

/** The samples of a `jfr print --json --events jdk.ExecutionSample` document. */
export function jfrSamples(document: unknown): JfrSample[] {
  const events = (document as { recording?: { events?: unknown[] } }).recording?.events ?? [];
  return events.flatMap((event) => {
    const values = (event as { values?: Record<string, unknown> }).values;
    const startTime = values?.startTime;
    const frames = (values?.stackTrace as { frames?: unknown[] } | null | undefined)?.frames;
    if (typeof startTime !== 'string' || !Array.isArray(frames)) return [];
    return [
      {
        startTime,
        frames: frames.map((frame) => {
          const method = (frame as { method?: { type?: { name?: string }; name?: string } }).method;
          return `${(method?.type?.name ?? '?').replaceAll('/', '.')}.${method?.name ?? '?'}`;
        }),
      },
    ];
  });
}

/**
 * DynamoDB Local's own code, the part of a JVM stack that says what it was doing: its server and
 * storage, its expression grammars (ANTLR parsers) and its expressions' data model.
 */
const DYNAMODB_LOCAL_CODE = [
  'software.amazon.dynamodb.',
  'com.amazon.dynamodb.grammar.',
  'com.amazonaws.services.dynamodbv2.datamodel.',
];

/**
 * Over the span: each DynamoDB Local method's share of the samples that passed through it
 * (inclusive, counted once per sample), and each frame's share as the innermost one (self).
 */
export function summarizeJfr(
  samples: JfrSample[],
  span: LoadSpan,
): { total: number; inclusive: ProfileRow[]; self: ProfileRow[] } {
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  for (const sample of samples) {
    const at = Date.parse(sample.startTime);
    if (at < span.wallFromMs || at > span.wallToMs) continue;
    total += 1;
    const innermost = sample.frames[0];
    if (innermost) self.set(innermost, (self.get(innermost) ?? 0) + 1);
    for (const frame of new Set(sample.frames)) {
      if (DYNAMODB_LOCAL_CODE.some((code) => frame.startsWith(code)))
        inclusive.set(frame, (inclusive.get(frame) ?? 0) + 1);
    }
  }
  const rows = (counts: Map<string, number>) =>
    [...counts]
      // A sample stands for the sampling period, 10 ms with the `profile` settings, of one thread.
      .map(([name, n]) => ({ name, share: total === 0 ? 0 : n / total, milliseconds: n * 10 }))
      .sort((a, b) => b.share - a.share);
  return { total, inclusive: rows(inclusive), self: rows(self) };
}

/**
 * A table of the top `limit` rows: name and share, and with `messages` the milliseconds per citizen
 * message (the Node profile's samples are its CPU time; JFR samples a few running threads per
 * period, so its counts give shares, not time).
 */
export function profileTable(
  heading: string,
  rows: ProfileRow[],
  limit: number,
  messages?: number,
): string[] {
  const perMessage = messages !== undefined && messages > 0;
  return [
    `| ${heading} | share |${perMessage ? ' ms per citizen message |' : ''}`,
    `|---|--:|${perMessage ? '--:|' : ''}`,
    ...rows
      .slice(0, limit)
      .map(
        (row) =>
          `| ${row.name.replace(DYNAMODB_LOCAL_PREFIX, '…')} | ${(row.share * 100).toFixed(1)} % |` +
          (perMessage ? ` ${(row.milliseconds / messages).toFixed(2)} |` : ''),
      ),
  ];
}

/** Shortened in the tables: every method of DynamoDB Local's own code starts with it. */
const DYNAMODB_LOCAL_PREFIX = 'software.amazon.dynamodb.services.local.';

/**
 * The summary of what `dir` holds after the stack stopped: the Node profile of the process `pid`
 * (Node names its files `CPU.<date>.<time>.<pid>.…`) and DynamoDB Local's recording.
 */
export function profileReport(
  dir: string,
  pid: number,
  span: LoadSpan,
  messages: number,
  root: string,
): string[] {
  const lines: string[] = ['', `Profiles of the load (BENCH_PROFILE, in ${dir}):`];
  // The main thread's (thread 0): a worker thread of the same process has a file of its own.
  const nodeFile = readdirSync(dir).find(
    (name) => name.endsWith('.cpuprofile') && name.includes(`.${pid}.0.`),
  );
  if (nodeFile) {
    const profile = JSON.parse(readFileSync(join(dir, nodeFile), 'utf8')) as CpuProfile;
    const rows = summarizeCpuProfile(profile, span, root);
    const busyMs = rows.reduce((sum, row) => sum + row.milliseconds, 0);
    lines.push(
      '',
      `The stack's Node process (${nodeFile}): ${(busyMs / messages).toFixed(1)} ms busy per citizen message, self time by where the code lives:`,
      '',
      ...profileTable('code', rows, 20, messages),
    );
  } else lines.push('', `No Node profile of process ${pid} in ${dir}.`);
  const jfrFile = join(dir, 'dynamodb-local.jfr');
  if (!existsSync(jfrFile)) {
    lines.push('', `No recording of DynamoDB Local (${jfrFile}).`);
    return lines;
  }
  let document: unknown;
  try {
    const json = execFileSync(
      'jfr',
      ['print', '--json', '--stack-depth', '64', '--events', 'jdk.ExecutionSample', jfrFile],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    document = JSON.parse(json);
  } catch (error) {
    lines.push('', `DynamoDB Local's recording could not be read with the JDK's jfr tool: ${String(error)}`);
    return lines;
  }
  const jvm = summarizeJfr(jfrSamples(document), span);
  lines.push(
    '',
    `DynamoDB Local (${jvm.total} samples of its threads while they ran Java code in the load: native SQLite, GC and the JIT are not in them, so these are shares of its Java work; "…" is ${DYNAMODB_LOCAL_PREFIX}), the share of the samples in each of its own methods (inclusive):`,
    '',
    ...profileTable('method', jvm.inclusive, 20),
    '',
    'DynamoDB Local, the innermost frames (self):',
    '',
    ...profileTable('frame', jvm.self, 12),
  );
  return lines;
}
