/**
 * Where the running local stack is, for the platform team's commands (`npm run audit:export`,
 * `npm run privacy:erase`): `npm start` writes the environment its functions run with to a file
 * only this user may read (`runningStackFile`), named by its HTTP port; a command reads it back and
 * runs the same handler in its own process, with that environment, as Lambda would.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';

const infoSchema = z.object({
  httpUrl: z.string(),
  functionEnv: z.record(z.string(), z.string()),
});

/** The file of the stack serving HTTP on `httpPort`. */
export function runningStackFile(httpPort: number): string {
  return join(tmpdir(), `support-chat-local-${httpPort}.json`);
}

/** Called by `npm start` once the stack is up; removed again by `forgetRunningStack`. */
export function recordRunningStack(httpPort: number, info: z.infer<typeof infoSchema>): void {
  writeFileSync(runningStackFile(httpPort), JSON.stringify(info), { mode: 0o600 });
}

export function forgetRunningStack(httpPort: number): void {
  rmSync(runningStackFile(httpPort), { force: true });
}

/**
 * The environment of the functions of the stack on `HTTP_PORT` (default 3000). Variables already
 * set win (a test's stack hands its own).
 */
export function useRunningStackEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const httpPort = Number(env.HTTP_PORT ?? 3000);
  let raw: string;
  try {
    raw = readFileSync(runningStackFile(httpPort), 'utf8');
  } catch {
    throw new Error(
      `no local stack found on HTTP_PORT=${httpPort}: start it with \`npm start\` (or set HTTP_PORT to the port it serves)`,
    );
  }
  const info = infoSchema.parse(JSON.parse(raw));
  for (const [name, value] of Object.entries(info.functionEnv)) env[name] ??= value;
}
