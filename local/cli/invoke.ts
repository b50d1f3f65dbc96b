/**
 * Runs one of the platform team's functions (AuditExport, PrivacyErase) on the running local stack
 * as `aws lambda invoke` runs it in AWS: the handler module with the stack's function environment,
 * the payload as its event, the answer printed as JSON. Exit codes: 0 done; 1 refused (the answer
 * names the protocol error code) or failed; 2 wrong arguments.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../functions.ts';
import { useRunningStackEnvironment } from './running-stack.ts';

export const EXIT_DONE = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** Who runs the command, for the journal: `--requested-by`, else the local user. */
export function defaultRequester(): string {
  return `local:${userInfo().username}`;
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Invokes the handler of `entry` with `payload`; `after` gets the answer (e.g. to copy files). */
export async function invokeLocally(
  entry: string,
  payload: unknown,
  after?: (answer: unknown) => Promise<void>,
): Promise<number> {
  useRunningStackEnvironment();
  logToStderr();
  const module = (await import(pathToFileURL(join(REPO_ROOT, entry)).href)) as { handler: Handler };
  const name = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const context = lambdaContext(
    name,
    `arn:aws:lambda:local:000000000000:function:${name}`,
    Date.now() + 15 * 60_000,
  );
  const answer = await module.handler(payload, context);
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  await after?.(answer);
  const refused =
    typeof answer === 'object' && answer !== null && (answer as { status?: unknown }).status === 'error';
  return refused ? EXIT_REFUSED : EXIT_DONE;
}

/**
 * The function's own lines (Powertools' logs and metrics) go to stderr, so that stdout carries the
 * answer alone and can be piped to `jq`. Powertools writes through the global `console` in its dev
 * mode (`POWERTOOLS_DEV`: also indented, for a person reading), which is then pointed at stderr.
 */
function logToStderr(): void {
  process.env.POWERTOOLS_DEV = 'true';
  const toStderr = console.error.bind(console);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  console.trace = toStderr;
}

/** Runs `main`, exiting with its code; an unexpected failure prints its message and exits 1. */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT_REFUSED);
    },
  );
}
