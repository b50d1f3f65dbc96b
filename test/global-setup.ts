/**
 * Starts the local stack once for the whole test run (a child process, as `npm start` runs it) and
 * hands the tests its addresses and the environment the functions run with, so that repository
 * tests reach the same DynamoDB Local and SQS emulator, with the same table names and queue URLs.
 */
import type { TestProject } from 'vitest/node';
import {
  PER_ADDRESS_LIMITS_LIFTED,
  type RunningLocalStack,
  startLocalStackProcess,
} from './support/local-stack.ts';

let stack: RunningLocalStack | undefined;

export async function setup(project: TestProject) {
  stack = await startLocalStackProcess({
    env: {
      LOG_LEVEL: 'ERROR',
      // docs/requirements.md#local-stack: the SLA and the operator grace shortened, so the tests of assignment need not wait minutes.
      SLA_ASSIGN_SECONDS: '3',
      OPERATOR_GRACE_SECONDS: '2',
      // An assignment must be accepted within 5 s (test/support/assignment.ts `takeAssigned` does what a console does).
      ACCEPT_SECONDS: '5',
      // The hourly SLA report's schedule runs every 5 s (each run reports the last full hour; reruns change nothing).
      SLA_REPORT_PERIOD_SECONDS: '5',
      // The reminders of MFC visits are looked for every 2 s (every 5 minutes in AWS).
      VISIT_REMINDER_PERIOD_SECONDS: '2',
      // The reconciler of the waiting line (docs/architecture.md, "The reconciler") does not run on the
      // shared stack: its repairs (e.g. handing back what operators left offline by earlier tests hold)
      // would change queues other tests assume still. Its own tests call it on private tables
      // (functions/domain/use-cases/dispatch-faults.int.test.ts).
      RECONCILE_SECONDS: '86400',
      // A staff caller is checked against the local Cognito at least every second (default 30 s), so
      // the tests of a removal or demotion taking effect wait a second, not half a minute.
      STAFF_RECHECK_SECONDS: '1',
      // Every test connects from 127.0.0.1; test/integration/client-limits.test.ts runs a stack of
      // its own with small limits.
      ...PER_ADDRESS_LIMITS_LIFTED,
    },
  });
  Object.assign(process.env, stack.functionEnv, {
    LOCAL_HTTP_URL: stack.httpUrl,
    LOCAL_WS_URL: stack.wsUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  project.provide('localHttpUrl', stack.httpUrl);
  project.provide('localWsUrl', stack.wsUrl);
  project.provide('localStackPid', stack.pid);
}

export async function teardown() {
  await stack?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    localHttpUrl: string;
    localWsUrl: string;
    /** The process of `npm start` (its children are the emulators'). */
    localStackPid: number;
  }
}
