/**
 * A function run on a fixed rate by EventBridge Scheduler: one `AWS::Scheduler::Schedule` whose
 * target is a house function, with an execution role of its own that may invoke exactly that
 * function and nothing else, and that only this account's schedules of the default group may assume.
 *
 * The local stack runs the same schedule (local/schedules.ts): it reads the template's schedules,
 * finds the target function by its `local:entry`, and invokes it at the template's rate — or at
 * the rate given in seconds by the environment variable named in the schedule's `local:rateEnv`
 * metadata, so that tests and `npm start` can shorten an hourly job to seconds.
 *
 * The target receives `input` (JSON) with the placeholders of EventBridge Scheduler's context
 * attributes filled in; by default `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`, the
 * instant (ISO 8601, UTC) the run was due, so a late or retried run still knows which period it is.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type CfnSchedule,
  ContextAttribute,
  type ISchedule,
  type IScheduleTarget,
  Schedule,
  ScheduleExpression,
  type ScheduleTargetConfig,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

/** Metadata key on the `AWS::Scheduler::Schedule`: the variable that overrides its rate locally. */
export const LOCAL_RATE_ENV_METADATA = 'local:rateEnv';

/** The input a scheduled function gets unless told otherwise: when the run was due. */
export const DEFAULT_SCHEDULE_INPUT = { scheduledTime: ContextAttribute.scheduledTime } as const;

/** The shortest rate EventBridge Scheduler accepts. */
const MIN_RATE = Duration.minutes(1);

/** Properties of a {@link FunctionSchedule}. */
export interface FunctionScheduleProps {
  /** The function to invoke. */
  readonly target: IFunction;
  /** How often; whole minutes, at least one (EventBridge Scheduler's `rate()` granularity). */
  readonly rate: Duration;
  /** What the schedule is for, shown in the console. */
  readonly description: string;
  /**
   * The environment variable that, on the local stack only, replaces the rate with a number of
   * seconds (e.g. `SLA_REPORT_PERIOD_SECONDS=5 npm start`). Recorded as `local:rateEnv` metadata.
   */
  readonly localRateEnv: string;
  /**
   * The event the function receives; strings may hold `ContextAttribute` placeholders.
   * @default DEFAULT_SCHEDULE_INPUT
   */
  readonly input?: Record<string, unknown>;
  /**
   * Retries of an invocation the Lambda service refused (throttled, unavailable). EventBridge
   * Scheduler invokes a function asynchronously, so the function's own errors are retried by
   * Lambda's asynchronous invocation instead. Kept low: the next run comes one period later.
   * @default 2
   */
  readonly retryAttempts?: number;
}

/** A rate schedule invoking one function, with its own least-privilege role. */
export class FunctionSchedule extends Construct {
  readonly schedule: Schedule;
  /** The role EventBridge Scheduler assumes: `lambda:InvokeFunction` on the target only. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const minutes = props.rate.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < MIN_RATE.toMinutes()) {
      throw new Error(
        `${id}: a schedule's rate is whole minutes, at least 1 (got ${props.rate.toHumanString()})`,
      );
    }
    if (!/^[A-Z][A-Z0-9_]*$/.test(props.localRateEnv)) {
      throw new Error(`${id}: localRateEnv must be an environment variable name (got ${props.localRateEnv})`);
    }
    const stack = Stack.of(this);
    // Confused-deputy guard: only schedules of this account's default group may assume the role.
    const defaultGroupArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule-group',
      resourceName: 'default',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': defaultGroupArn },
        },
      }),
      description: `EventBridge Scheduler: invokes ${props.target.node.id} (${props.description})`,
    });
    // The unqualified function ARN only: not `:*` (no version or alias is invoked).
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }),
    );

    const target = new InvokeTarget(props.target.functionArn, this.role, {
      input: ScheduleTargetInput.fromObject(props.input ?? DEFAULT_SCHEDULE_INPUT),
      retryPolicy: {
        maximumRetryAttempts: props.retryAttempts ?? 2,
        // A run older than one period is superseded by the next one (60 s is the service's minimum).
        maximumEventAgeInSeconds: Math.max(60, Math.min(86_400, props.rate.toSeconds())),
      },
    });
    this.schedule = new Schedule(this, 'Schedule', {
      schedule: ScheduleExpression.rate(props.rate),
      target,
      description: props.description,
    });
    (this.schedule.node.defaultChild as CfnSchedule).addMetadata(LOCAL_RATE_ENV_METADATA, props.localRateEnv);
  }
}

/**
 * A Lambda target with a role made by {@link FunctionSchedule}. Not `aws-scheduler-targets`'
 * `LambdaInvoke`: that one grants `lambda:InvokeFunction` on the function and on `<arn>:*` (every
 * version and alias), and shares one role among schedules of the same target.
 */
class InvokeTarget implements IScheduleTarget {
  constructor(
    private readonly arn: string,
    private readonly role: Role,
    private readonly options: Pick<ScheduleTargetConfig, 'input' | 'retryPolicy'>,
  ) {}

  bind(_schedule: ISchedule): ScheduleTargetConfig {
    return { arn: this.arn, role: this.role, ...this.options };
  }
}
