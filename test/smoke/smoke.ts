/**
 * `npm run smoke -- <ws(s) url> <http(s) url>`: a short end-to-end check of a running system, the
 * local stack (`ws://127.0.0.1:3001 http://127.0.0.1:3000`) or a deployed stage (the stack outputs
 * `WebSocketUrl` and `FeedbackApiUrl`). One line per step with its time; each step has a deadline.
 *
 * Primary course:
 *   1. connect as a guest and say `hello` (a `welcome` of an unverified session);
 *   2. ask the bot a citizen's question (`message.ack`, then the bot's `message` with an intent);
 *   3. send a frame that is not JSON (`BAD_REQUEST`) and an unknown action (`UNKNOWN_ACTION`, its
 *      `requestId` echoed), then `suggest` on the same connection, which must still answer;
 *   4. post an empty form to the feedback API (`400 BAD_REQUEST` naming the missing fields): the
 *      HTTP side and its function are up, and nothing is stored.
 * It leaves one guest conversation (expired with the message retention) and prints no frame text,
 * token or session id.
 *
 * Exit codes: 0 every step passed; 1 a step failed or missed its deadline; 2 wrong arguments.
 * `SMOKE_STEP_TIMEOUT_MS` sets the deadline of each step (default 15000: a cold start on AWS).
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { helloFrameSchema, messageSendFrameSchema, suggestFrameSchema } from '#events/client-frames.ts';
import { ERROR_CODES } from '#events/server-frames.ts';
import { frameWith } from '../support/frames.ts';
import { ChatClient, type Frame, UpgradeRefusedError } from '../support/ws-client.ts';

const EXIT_PASSED = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const USAGE = `usage: npm run smoke -- <ws(s) url> <http(s) url>
  local:    npm run smoke -- ws://127.0.0.1:3001 http://127.0.0.1:3000
  deployed: npm run smoke -- wss://<api>.execute-api.<region>.amazonaws.com/v1 https://<api>.execute-api.<region>.amazonaws.com/feedback
exit codes: 0 passed, 1 a step failed, 2 wrong arguments`;

const welcomeSchema = z.object({
  type: z.literal('welcome'),
  sessionId: z.string().min(1),
  verified: z.literal(false),
  resumeToken: z.string().min(1),
});
const ackSchema = z.object({ type: z.literal('message.ack'), seq: z.number().int().positive() });
const botAnswerSchema = z.object({
  type: z.literal('message'),
  from: z.literal('bot'),
  intent: z.string().min(1),
  confidence: z.number().min(0).max(1).optional(),
});
const errorSchema = z.object({ type: z.literal('error'), code: z.enum(ERROR_CODES), message: z.string() });
const suggestionsSchema = z.object({ type: z.literal('suggestions'), items: z.array(z.unknown()) });
const feedbackRefusalSchema = z.object({
  code: z.literal('BAD_REQUEST'),
  details: z.array(z.object({ field: z.string(), problem: z.string() })).min(1),
});

interface Targets {
  wsUrl: URL;
  feedbackUrl: URL;
}

/** The two URLs, or why they cannot be used. The HTTP URL may be the API's base or its `/feedback`. */
function parseTargets(args: readonly string[]): Targets | string {
  const [ws, http, ...rest] = args;
  if (!ws || !http || rest.length > 0) return 'expected two arguments';
  const wsUrl = URL.parse(ws);
  const httpUrl = URL.parse(http);
  if (!wsUrl || !['ws:', 'wss:'].includes(wsUrl.protocol)) return `not a ws:// or wss:// URL: ${ws}`;
  if (!httpUrl || !['http:', 'https:'].includes(httpUrl.protocol)) return `not an http(s):// URL: ${http}`;
  wsUrl.searchParams.set('lang', 'ru');
  const base = httpUrl.pathname.replace(/\/+$/, '');
  const feedbackUrl = new URL(base.endsWith('/feedback') ? base : `${base}/feedback`, httpUrl);
  return { wsUrl, feedbackUrl };
}

class StepFailed extends Error {}

/** Runs `work` within the deadline; prints `ok`/`FAIL`, the step, its time and what it found. */
async function step(name: string, timeoutMs: number, work: () => Promise<string>): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepFailed(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const working = work();
  // A step that missed its deadline may still fail later: that is already reported.
  working.catch(() => undefined);
  try {
    const found = await Promise.race([working, deadline]);
    report('ok  ', name, started, found);
  } catch (error) {
    report('FAIL', name, started, error instanceof StepFailed ? error.message : describe(error));
    throw new StepFailed(name);
  } finally {
    clearTimeout(timer);
  }
}

function report(outcome: string, name: string, started: number, found: string) {
  const ms = `${Math.round(performance.now() - started)} ms`.padStart(8);
  process.stdout.write(`${outcome} ${name.padEnd(26)} ${ms}  ${found}\n`);
}

/** An unexpected failure by its class and code only: SDK and socket messages may quote data. */
function describe(error: unknown): string {
  if (error instanceof UpgradeRefusedError)
    return `the WebSocket upgrade was refused with HTTP ${error.status}`;
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  return `${error instanceof Error ? error.name : 'error'}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** What a frame is, without its content: its type and, for an error, its code. */
const kindOf = (frame: Frame) => (frame.type === 'error' ? `error ${String(frame.code)}` : frame.type);

/** The frame as `schema` reads it, or a failure naming what was expected and what came. */
function expectFrame<T>(expected: string, schema: z.ZodType<T>, frame: Frame): T {
  const parsed = schema.safeParse(frame);
  if (!parsed.success) throw new StepFailed(`expected ${expected}, got ${kindOf(frame)}`);
  return parsed.data;
}

async function runSmoke(targets: Targets, timeoutMs: number): Promise<boolean> {
  let client: ChatClient | undefined;
  const connected = () => {
    if (!client) throw new StepFailed('not connected');
    return client;
  };
  try {
    await step('connect as a guest', timeoutMs, async () => {
      client = await ChatClient.connect(targets.wsUrl.href);
      return targets.wsUrl.origin;
    });
    await step('hello', timeoutMs, async () => {
      expectFrame(
        'welcome',
        welcomeSchema,
        await connected().request(helloFrameSchema.parse({ action: 'hello' }), timeoutMs),
      );
      return 'welcome: a guest session';
    });
    await step('a question to the bot', timeoutMs, async () => {
      const frame = messageSendFrameSchema.parse({
        action: 'message.send',
        clientMessageId: `smoke-${randomUUID()}`,
        text: 'забыл пароль от госуслуг',
      });
      const ack = expectFrame('message.ack', ackSchema, await connected().request(frame, timeoutMs));
      const answer = await frameWith(
        connected(),
        (f) => f.type === 'message' && f.from === 'bot' && (f.seq as number) > ack.seq,
        timeoutMs,
      );
      const bot = expectFrame("the bot's message with an intent", botAnswerSchema, answer);
      return `message.ack seq ${ack.seq}, the bot's message: intent ${bot.intent}, confidence ${bot.confidence ?? '—'}`;
    });
    await step('a frame that is not JSON', timeoutMs, async () => {
      const answer = connected().waitFor((f) => f.type === 'error' && f.requestId === undefined, timeoutMs);
      connected().send('{"action": "message.send", ');
      const error = expectFrame('an error frame', errorSchema, await answer);
      if (error.code !== 'BAD_REQUEST') throw new StepFailed(`expected BAD_REQUEST, got ${error.code}`);
      return 'error BAD_REQUEST';
    });
    await step('an unknown action', timeoutMs, async () => {
      const error = expectFrame(
        'an error frame',
        errorSchema,
        await connected().request({ action: 'smoke.unknown' }, timeoutMs),
      );
      if (error.code !== 'UNKNOWN_ACTION') throw new StepFailed(`expected UNKNOWN_ACTION, got ${error.code}`);
      return 'error UNKNOWN_ACTION, requestId echoed';
    });
    await step('still usable after errors', timeoutMs, async () => {
      const frame = suggestFrameSchema.parse({ action: 'suggest', text: 'пароль' });
      const answer = expectFrame(
        'suggestions',
        suggestionsSchema,
        await connected().request(frame, timeoutMs),
      );
      return `suggestions: ${answer.items.length} items`;
    });
    await step('feedback API refuses', timeoutMs, async () => {
      const response = await fetch(targets.feedbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.json().catch(() => undefined);
      const refusal = feedbackRefusalSchema.safeParse(body);
      if (response.status !== 400 || !refusal.success) {
        throw new StepFailed(
          `expected 400 BAD_REQUEST from POST ${targets.feedbackUrl.pathname}, got ${response.status}`,
        );
      }
      return `POST ${targets.feedbackUrl.pathname} {} → 400 BAD_REQUEST (${refusal.data.details.map((d) => d.field).join(', ')})`;
    });
    return true;
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    return false;
  } finally {
    await client?.close();
  }
}

async function main(): Promise<number> {
  const targets = parseTargets(process.argv.slice(2));
  if (typeof targets === 'string') {
    process.stderr.write(`${targets}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const timeoutMs = Number(process.env.SMOKE_STEP_TIMEOUT_MS ?? 15_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    process.stderr.write(`SMOKE_STEP_TIMEOUT_MS must be a positive number of milliseconds\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  process.stdout.write(
    `smoke: ${targets.wsUrl.origin}${targets.wsUrl.pathname} and ${targets.feedbackUrl.href}\n`,
  );
  const started = performance.now();
  const passed = await runSmoke(targets, timeoutMs);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(passed ? `smoke passed in ${seconds} s\n` : `smoke FAILED after ${seconds} s\n`);
  return passed ? EXIT_PASSED : EXIT_FAILED;
}

// Exits at once: a failed step may leave a waiter's timer behind.
process.exit(await main());
