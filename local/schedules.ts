/**
 * Runs the template's EventBridge Scheduler schedules the way the service does: each enabled
 * `rate()` schedule invokes its target function once per period, with the target's input and the
 * context-attribute placeholders (`<aws.scheduler.scheduled-time>`, `…execution-id>`,
 * `…attempt-number>`, `…schedule-arn>`) filled in. The schedule (infra/constructs/schedule.ts) names
 * in its `local:rateEnv` metadata a variable that replaces the rate here with a number of seconds,
 * so an hourly job can run every few seconds on `npm start` and in the tests.
 *
 * Differences from AWS (docs/local-stack.md): the first run is one period after the start (AWS
 * starts a rate schedule when it is created); a function that throws is logged, not retried
 * (Lambda's asynchronous invocation would retry it twice); runs do not wait for each other, as in AWS.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { LocalFunction } from './functions.ts';
import { physicalName } from './resolve.ts';
import type { ScheduleSpec, Template } from './template.ts';

export interface LocalSchedules {
  /** The period each schedule runs at here, in seconds, by logical id. */
  readonly periods: ReadonlyMap<string, number>;
  /** Stops the timers and waits for the runs in flight. */
  stop(): Promise<void>;
}

export interface LocalSchedulesOptions {
  specs: readonly ScheduleSpec[];
  template: Template;
  functions: ReadonlyMap<string, LocalFunction>;
  /** Where the `local:rateEnv` overrides are read (process.env on `npm start`). */
  env: Readonly<Record<string, string | undefined>>;
  region: string;
  accountId: string;
  log: (line: string) => void;
}

const overrideSeconds = z.coerce
  .number()
  .positive()
  .max(86_400 * 7);

/** The period a schedule runs at locally: its `local:rateEnv` override if set, else the template's rate. */
export function localPeriodSeconds(
  spec: ScheduleSpec,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const raw = spec.rateEnv ? env[spec.rateEnv] : undefined;
  if (raw === undefined || raw === '') return spec.rateSeconds;
  const parsed = overrideSeconds.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${spec.rateEnv}=${raw}: a schedule's period in seconds (a positive number)`);
  }
  return parsed.data;
}

/** What EventBridge Scheduler fills into a target's input for one run. */
export interface ScheduleRun {
  scheduledTime: Date;
  executionId: string;
  attemptNumber: number;
  scheduleArn: string;
}

/** The event a target receives: its input with the context attributes of `run` filled in. */
export function scheduleEvent(input: string | undefined, run: ScheduleRun): unknown {
  if (input === undefined) return {};
  const filled = input
    // EventBridge Scheduler's format: whole seconds, UTC, `Z`.
    .replaceAll('<aws.scheduler.scheduled-time>', run.scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    .replaceAll('<aws.scheduler.execution-id>', run.executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(run.attemptNumber))
    .replaceAll('<aws.scheduler.schedule-arn>', run.scheduleArn);
  try {
    return JSON.parse(filled);
  } catch {
    return filled; // a text input reaches the function as a JSON string
  }
}

export function startSchedules(options: LocalSchedulesOptions): LocalSchedules {
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const periods = new Map<string, number>();
  let stopped = false;

  for (const spec of options.specs) {
    const fn = options.functions.get(spec.functionId);
    if (!fn) throw new Error(`schedule ${spec.logicalId}: function ${spec.functionId} is not loaded`);
    const periodMs = localPeriodSeconds(spec, options.env) * 1000;
    periods.set(spec.logicalId, periodMs / 1000);
    const resource = options.template.Resources[spec.logicalId];
    const name = resource ? physicalName(spec.logicalId, resource) : spec.logicalId;
    const scheduleArn = `arn:aws:scheduler:${options.region}:${options.accountId}:schedule/default/${name}`;

    // Due times are start + k·period, so a slow run does not shift the next ones.
    const started = Date.now();
    let runs = 0;
    const arm = () => {
      if (stopped) return;
      runs += 1;
      const due = started + runs * periodMs;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          const run: ScheduleRun = {
            scheduledTime: new Date(due),
            executionId: randomUUID(),
            attemptNumber: 1,
            scheduleArn,
          };
          const invocation = fn
            .invoke(scheduleEvent(spec.input, run))
            .then(() => undefined)
            .catch((error: unknown) =>
              options.log(
                `schedule ${spec.logicalId} → ${fn.name} failed: ${error instanceof Error ? error.message : String(error)}`,
              ),
            )
            .finally(() => inFlight.delete(invocation));
          inFlight.add(invocation);
          arm();
        },
        Math.max(0, due - Date.now()),
      );
      timers.add(timer);
    };
    arm();
  }

  return {
    periods,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
