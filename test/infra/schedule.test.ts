import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { HouseFunction } from '../../infra/constructs/house-function.ts';
import { FunctionSchedule } from '../../infra/constructs/schedule.ts';
import { parseTemplate, scheduleSpecs } from '../../local/template.ts';
import { resourcesOf, type TemplateResource } from './synth.ts';

/** A stack with one house function run every `rate` by a FunctionSchedule (bundling skipped). */
function scheduledStack(rate = Duration.minutes(5)) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Probe');
  const fn = new HouseFunction(stack, 'Job', {
    entry: 'functions/handlers/hello.ts',
    description: 'a scheduled job',
    settings: {
      logRetention: RetentionDays.ONE_MONTH,
      logLevel: 'INFO',
      messageRetentionDays: 30,
      ticketRetentionDays: 30,
      attachmentRetentionDays: 30,
      journalRetentionDays: 90,
      visitRetentionDays: 30,
      postTimeoutMs: 3000,
      slaAssignSeconds: 120,
      smsSenderId: 'Test',
    },
  });
  const schedule = new FunctionSchedule(stack, 'JobSchedule', {
    target: fn,
    rate,
    description: 'runs the job',
    localRateEnv: 'JOB_PERIOD_SECONDS',
  });
  return { stack, fn, schedule, template: Template.fromStack(stack) };
}

const { stack, fn, schedule, template } = scheduledStack();
const fnId = stack.getLogicalId(fn.node.defaultChild as never);
const roleId = stack.getLogicalId(schedule.role.node.defaultChild as never);
const [[scheduleId, scheduleResource]] = Object.entries(
  resourcesOf(template, 'AWS::Scheduler::Schedule'),
) as [[string, TemplateResource]];

describe('FunctionSchedule (infra/constructs/schedule.ts)', () => {
  it('is one EventBridge Scheduler rate schedule invoking the function with its due time', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Scheduler::Schedule'))).toHaveLength(1);
    expect(scheduleResource.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
      },
    });
    const input = JSON.parse(String((scheduleResource.Properties.Target as { Input: string }).Input));
    expect(input).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(scheduleResource.Metadata?.['local:rateEnv']).toBe('JOB_PERIOD_SECONDS');
  });

  it("has a role of its own that only this account's default schedule group may assume", () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
    const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: unknown[] };
    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':scheduler:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':schedule-group/default',
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('lets that role invoke exactly the target function, no version or alias, and nothing else', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
    );
    const statements = policies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement,
    );
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } },
    ]);
    expect(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).toEqual({});
  });

  it('passes cdk-nag AwsSolutions with no acknowledgment of its own', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const findings = report.violations
      .filter((v) => v.violatingResources.some((r) => r.constructPath?.includes('JobSchedule')))
      .map((v) => v.ruleName);
    expect(findings).toEqual([]);
  });

  it('refuses a rate EventBridge Scheduler cannot run: under a minute, or not whole minutes', () => {
    expect(() => scheduledStack(Duration.seconds(30))).toThrow(/whole minutes, at least 1/);
    expect(() => scheduledStack(Duration.seconds(90))).toThrow(/whole minutes, at least 1/);
  });

  it('is what the local stack reads: the target function, the rate, the override variable, the input', () => {
    const specs = scheduleSpecs(parseTemplate(template.toJSON()));
    expect(specs).toEqual([
      {
        logicalId: scheduleId,
        functionId: fnId,
        rateSeconds: 300,
        rateEnv: 'JOB_PERIOD_SECONDS',
        input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}',
      },
    ]);
  });

  it('reads an hourly schedule as 3600 s', () => {
    const hourly = scheduledStack(Duration.hours(1)).template;
    expect(scheduleSpecs(parseTemplate(hourly.toJSON()))[0]?.rateSeconds).toBe(3600);
  });
});
