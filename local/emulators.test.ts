import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The process ids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let child: ChildProcess | undefined;
const leftovers: number[] = [];

afterEach(() => {
  child?.kill('SIGKILL');
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('the emulators started by a process that is killed', () => {
  it('DynamoDB Local ends with the process that started it, even on SIGKILL', async () => {
    const [dynamoDbPort, awsPort] = [await freePort(), await freePort()];
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/emulators-child.ts', String(dynamoDbPort), String(awsPort)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const starter = child;
    await new Promise<void>((resolve, reject) => {
      starter.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().startsWith('ready')) resolve();
      });
      starter.on('exit', (code) => reject(new Error(`the emulators' process ended (${code})`)));
    });
    const jvms = childrenOf(starter.pid as number).filter((pid) =>
      execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('java'),
    );
    expect(jvms).toHaveLength(1);
    leftovers.push(...jvms);
    const [jvm] = jvms as [number];

    starter.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    while (alive(jvm) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(alive(jvm)).toBe(false);
  }, 90_000);
});
