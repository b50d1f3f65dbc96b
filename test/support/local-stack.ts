/**
 * Starts `local/main.ts` as a child process, exactly as `npm start` does, on free ports, and waits
 * until `/health` says 200. Used by the tests' global setup and by the benchmark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';

const infoSchema = z.object({
  httpUrl: z.string(),
  wsUrl: z.string(),
  functionEnv: z.record(z.string(), z.string()),
  pid: z.number(),
});
export type LocalStackInfo = z.infer<typeof infoSchema>;

export interface RunningLocalStack extends LocalStackInfo {
  /** The last lines the stack printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The per-address limits lifted (docs/protocol.md, "Limits per client"), for a stack that every
 * client reaches from 127.0.0.1 (the shared test stack, the benchmarks): otherwise the whole run
 * would be counted as one client. The per-connection, per-session and per-contact limits stay.
 */
export const PER_ADDRESS_LIMITS_LIFTED: Record<string, string> = {
  LIMIT_CONNECTS_PER_IP: '1000000',
  LIMIT_FRAMES_PER_IP: '1000000',
  LIMIT_OPERATOR_REQUESTS_PER_IP: '1000000',
  LIMIT_CODE_REQUESTS_PER_IP: '1000000',
  LIMIT_FORM_POSTS_PER_IP: '1000000',
};

/**
 * The environment a stack of a test's own inherits (`startLocalStackProcess`'s `baseEnv`): what a
 * process needs to run and the run's synthesized template (test/template-setup.ts), and none of
 * the shared stack's function variables, which the global setup put in every test worker and
 * which would win over the new stack's own.
 */
export function ownStackBaseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'JAVA_HOME', 'LANG', 'LOCAL_TEMPLATE_FILE'].flatMap((name) =>
      process.env[name] === undefined ? [] : [[name, process.env[name]]],
    ),
  );
}

export async function startLocalStackProcess(options: {
  env?: Record<string, string>;
  timeoutMs?: number;
  logFile?: string;
  /**
   * The environment the stack inherits (default: this process's). A second stack started from a
   * test worker must not inherit the first one's function variables (table names, outbox URL…),
   * which would win over its own.
   */
  baseEnv?: NodeJS.ProcessEnv;
  /** Every chunk the stack prints (stdout and stderr), for tests that read all of its logs. */
  onOutput?: (chunk: string) => void;
  /** Arguments of the stack's Node process itself (the benchmark's `--cpu-prof`). */
  nodeArgs?: string[];
}): Promise<RunningLocalStack> {
  const dir = mkdtempSync(join(tmpdir(), 'support-chat-local-'));
  const infoFile = join(dir, 'info.json');
  const output: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      'local/main.ts',
    ],
    {
      cwd: join(import.meta.dirname, '..', '..'),
      env: {
        ...(options.baseEnv ?? process.env),
        HTTP_PORT: '0',
        WS_PORT: '0',
        DYNAMODB_PORT: '0',
        AWS_EMULATOR_PORT: '0',
        COGNITO_PORT: '0',
        LOG_LEVEL: 'WARN',
        ...options.env,
        LOCAL_STACK_INFO_FILE: infoFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk: Buffer) => {
    options.onOutput?.(chunk.toString());
    output.push(chunk.toString());
    if (output.length > 400) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the local stack exited with ${child.exitCode}:\n${output.join('')}`);
    }
    if (existsSync(infoFile)) {
      const info = infoSchema.parse(JSON.parse(readFileSync(infoFile, 'utf8')));
      const health = await fetch(`${info.httpUrl}/health`).catch(() => undefined);
      if (health?.status === 200) return { ...info, stop, output: () => output.join('') };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the local stack was not healthy in time:\n${output.join('')}`);
}
