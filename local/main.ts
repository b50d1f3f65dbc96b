/**
 * `npm start`: the whole system on this machine. Prints where everything is, stops every child
 * process on Ctrl-C, and says clearly what is wrong when it cannot start (no Java, a port taken).
 */
import { writeFileSync } from 'node:fs';
import { forgetRunningStack, recordRunningStack } from './cli/running-stack.ts';
import { readLocalConfig } from './config.ts';
import { JavaMissingError } from './emulators.ts';
import { PortTakenError } from './ports.ts';
import { startLocalStack } from './stack.ts';

const log = (line: string) => process.stderr.write(`[local] ${line}\n`);

async function main() {
  const config = readLocalConfig();
  log('starting: synthesizing the stack, DynamoDB Local, SQS/SNS/S3 emulator, gateway…');
  const stack = await startLocalStack(config, log);
  const slowest = [...stack.functions.values()].sort((a, b) => b.initMs - a.initMs)[0];
  process.stdout.write(
    [
      '',
      `  Support chat is running (ready in ${(stack.startupMs / 1000).toFixed(1)} s)`,
      `  WebSocket     ${stack.wsUrl}?lang=ru`,
      `  Portal+widget ${stack.httpUrl}/`,
      `  Console       ${stack.httpUrl}/console/`,
      `  Health        ${stack.httpUrl}/health`,
      `  Config        ${stack.httpUrl}/config.json`,
      `  Outbox        ${stack.httpUrl}/local/outbox`,
      `  Feedback form ${stack.httpUrl}/feedback (POST)`,
      `  DynamoDB      ${stack.functionEnv.AWS_ENDPOINT_URL_DYNAMODB}`,
      `  SQS/SNS/S3    ${stack.functionEnv.AWS_ENDPOINT_URL_SQS}`,
      `  Cognito       ${stack.cognito.endpoint} (pool ${stack.cognito.userPoolId}, client ${stack.cognito.clientId})`,
      ...stack.cognito.devAccounts.map(
        (account) =>
          `  Dev ${account.role.padEnd(9)} ${account.username} / ${account.password}   (local only)`,
      ),
      `  Functions     ${stack.functions.size} loaded${slowest ? ` (slowest init ${slowest.name}: ${slowest.initMs.toFixed(0)} ms)` : ''}`,
      ...[...stack.schedulePeriods].map(
        ([logicalId, seconds]) => `  Schedule      ${logicalId} every ${seconds} s`,
      ),
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  // For tools that start the stack as a child (the tests, the benchmark): where everything is.
  const infoFile = process.env.LOCAL_STACK_INFO_FILE;
  if (infoFile) {
    const info = {
      httpUrl: stack.httpUrl,
      wsUrl: stack.wsUrl,
      functionEnv: stack.functionEnv,
      pid: process.pid,
    };
    writeFileSync(infoFile, JSON.stringify(info));
  }

  // For the platform team's commands (npm run audit:export, privacy:erase): this stack's environment.
  const httpPort = Number(new URL(stack.httpUrl).port);
  recordRunningStack(httpPort, { httpUrl: stack.httpUrl, functionEnv: stack.functionEnv });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    forgetRunningStack(httpPort);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof PortTakenError || error instanceof JavaMissingError) {
    log(error.message);
  } else {
    log(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  process.exit(1);
});
