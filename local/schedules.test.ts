import { describe, expect, it } from 'vitest';
import type { LocalFunction } from './functions.ts';
import { localPeriodSeconds, scheduleEvent, startSchedules } from './schedules.ts';
import { parseTemplate, rateSeconds, type ScheduleSpec, scheduleSpecs } from './template.ts';

const template = parseTemplate({
  Resources: {
    Job: { Type: 'AWS::Lambda::Function', Properties: {}, Metadata: { 'local:entry': 'x.ts' } },
    JobSchedule: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'rate(1 hour)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': ['Job', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['JobRole', 'Arn'] },
          Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>","run":"<aws.scheduler.execution-id>"}',
        },
      },
      Metadata: { 'local:rateEnv': 'JOB_PERIOD_SECONDS' },
    },
    Paused: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'DISABLED',
        Target: { Arn: { 'Fn::GetAtt': ['Job', 'Arn'] } },
      },
    },
  },
});

/** A function that records the events it is invoked with (the runner only calls `invoke`). */
function recordingFunction(fail = false): LocalFunction & { events: unknown[] } {
  const events: unknown[] = [];
  return {
    logicalId: 'Job',
    name: 'Job',
    entry: 'x.ts',
    initMs: 0,
    events,
    async invoke(event) {
      events.push(event);
      if (fail) throw new Error('the job failed');
      return undefined;
    },
  };
}

const [spec] = scheduleSpecs(template) as [ScheduleSpec];

describe('the local EventBridge Scheduler (local/schedules.ts)', () => {
  it('reads the enabled schedules of the template with their target, rate and override variable', () => {
    expect(scheduleSpecs(template)).toEqual([
      {
        logicalId: 'JobSchedule',
        functionId: 'Job',
        rateSeconds: 3600,
        rateEnv: 'JOB_PERIOD_SECONDS',
        input: '{"scheduledTime":"<aws.scheduler.scheduled-time>","run":"<aws.scheduler.execution-id>"}',
      },
    ]);
  });

  it('reads rate expressions in minutes, hours and days, and refuses cron (not run locally)', () => {
    expect(rateSeconds('rate(1 minute)')).toBe(60);
    expect(rateSeconds('rate(15 minutes)')).toBe(900);
    expect(rateSeconds('rate(2 hours)')).toBe(7200);
    expect(rateSeconds('rate(1 day)')).toBe(86_400);
    expect(() => rateSeconds('cron(0 * * * ? *)')).toThrow(/rate\(N minutes\|hours\|days\) only/);
  });

  it('runs at the template rate unless the override variable gives seconds; a bad value stops the start', () => {
    expect(localPeriodSeconds(spec, {})).toBe(3600);
    expect(localPeriodSeconds(spec, { JOB_PERIOD_SECONDS: '0.5' })).toBe(0.5);
    expect(() => localPeriodSeconds(spec, { JOB_PERIOD_SECONDS: 'soon' })).toThrow(/JOB_PERIOD_SECONDS=soon/);
    expect(() => localPeriodSeconds(spec, { JOB_PERIOD_SECONDS: '0' })).toThrow(/positive/);
  });

  it("fills in the context attributes as EventBridge Scheduler does (due time in whole seconds, UTC 'Z')", () => {
    const event = scheduleEvent(spec.input, {
      scheduledTime: new Date('2026-12-02T07:00:00.250Z'),
      executionId: 'e-1',
      attemptNumber: 1,
      scheduleArn: 'arn:aws:scheduler:eu-central-1:000000000000:schedule/default/JobSchedule',
    });
    expect(event).toEqual({ scheduledTime: '2026-12-02T07:00:00Z', run: 'e-1' });
    expect(
      scheduleEvent(undefined, {
        scheduledTime: new Date(),
        executionId: '',
        attemptNumber: 1,
        scheduleArn: '',
      }),
    ).toEqual({});
  });

  it('invokes the function once per period at due times k·period after the start, until stopped', async () => {
    // Prepare
    const fn = recordingFunction();
    const started = Date.now();
    const schedules = startSchedules({
      specs: [spec],
      template,
      functions: new Map([['Job', fn]]),
      env: { JOB_PERIOD_SECONDS: '0.2' },
      region: 'eu-central-1',
      accountId: '000000000000',
      log: () => undefined,
    });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 700));
    await schedules.stop();
    const runsAtStop = fn.events.length;
    await new Promise((resolve) => setTimeout(resolve, 400));

    // Assess
    expect(schedules.periods.get('JobSchedule')).toBe(0.2);
    expect(runsAtStop).toBeGreaterThanOrEqual(2);
    expect(runsAtStop).toBeLessThanOrEqual(4);
    expect(fn.events).toHaveLength(runsAtStop);
    const events = fn.events as { scheduledTime: string; run: string }[];
    const due = events.map((e) => Date.parse(e.scheduledTime));
    // Each due time is start + k·200 ms, given in whole seconds as the service gives it.
    due.forEach((time, k) => {
      expect(time % 1000).toBe(0);
      const exact = started + (k + 1) * 200;
      expect(exact - time).toBeGreaterThanOrEqual(-50);
      expect(exact - time).toBeLessThan(1000 + 50);
    });
    expect(new Set(events.map((e) => e.run)).size).toBe(events.length);
  });

  it('logs a run that throws and goes on with the next', async () => {
    const fn = recordingFunction(true);
    const lines: string[] = [];
    const schedules = startSchedules({
      specs: [spec],
      template,
      functions: new Map([['Job', fn]]),
      env: { JOB_PERIOD_SECONDS: '0.1' },
      region: 'eu-central-1',
      accountId: '000000000000',
      log: (line) => lines.push(line),
    });
    await new Promise((resolve) => setTimeout(resolve, 450));
    await schedules.stop();
    expect(fn.events.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toBe('schedule JobSchedule → Job failed: the job failed');
    expect(lines).toHaveLength(fn.events.length);
  });

  it('refuses a schedule whose function is not loaded', () => {
    expect(() =>
      startSchedules({
        specs: [spec],
        template,
        functions: new Map(),
        env: {},
        region: 'eu-central-1',
        accountId: '000000000000',
        log: () => undefined,
      }),
    ).toThrow(/function Job is not loaded/);
  });
});
