/**
 * The reconciler's schedule (docs/architecture.md, "The reconciler"): an EventBridge Scheduler
 * schedule at the configured rate, invoking the reconciler through a role of its own that may invoke
 * that function and nothing else; the ledger's index; the repairs' alarm.
 */
import { describe, expect, it } from 'vitest';
import { scheduleSpecs } from '../../local/template.ts';
import { productionApp, resourceByPath, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { template } = productionApp();
const [scheduleId, schedule] = resourceByPath(
  template,
  'AWS::Scheduler::Schedule',
  'AssignmentReconcilerSchedule',
);
const [functionId, reconciler] = resourceByPath(template, 'AWS::Lambda::Function', 'AssignmentReconciler');

describe('the reconciler schedule', () => {
  it('invokes the reconciler every minute by default, through its own role, and names the local period variable', () => {
    expect(reconciler.Metadata?.['local:entry']).toBe('functions/handlers/reconciler.ts');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } },
    });
    expect(schedule.Metadata?.['local:rateEnv']).toBe('RECONCILE_SECONDS');
    expect(scheduleSpecs(template.toJSON() as never)).toContainEqual(
      expect.objectContaining({
        logicalId: scheduleId,
        functionId,
        rateSeconds: 60,
        rateEnv: 'RECONCILE_SECONDS',
      }),
    );
  });

  it('runs at the rate of the reconcileMinutes context key', () => {
    const { template: every5 } = synthesizeApp({ stage: 'dev', reconcileMinutes: '5' });
    const [, five] = resourceByPath(every5, 'AWS::Scheduler::Schedule', 'AssignmentReconcilerSchedule');
    expect(five.Properties.ScheduleExpression).toBe('rate(5 minutes)');
  });

  it('gives the schedule a role that Scheduler of this account only may assume and that may only invoke the reconciler', () => {
    const roleId = (schedule.Properties.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn[
      'Fn::GetAtt'
    ][0];
    const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
    const trust = JSON.stringify(role?.Properties.AssumeRolePolicyDocument);
    expect(trust).toContain('scheduler.amazonaws.com');
    expect(trust).toContain('aws:SourceAccount');
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
    expect(statements).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [functionId, 'Arn'] },
      },
    ]);
  });

  it('has the ledger index byFollowUpKeys on ConversationsTable (sparse: pending follow-ups only)', () => {
    const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
    const indexes = tables.flatMap(
      (t) => (t.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[]) ?? [],
    );
    expect(indexes).toContainEqual(
      expect.objectContaining({
        IndexName: 'byFollowUpKeys',
        KeySchema: [
          { AttributeName: 'followUpsDue', KeyType: 'HASH' },
          { AttributeName: 'followUpsAt', KeyType: 'RANGE' },
        ],
      }),
    );
  });

  it('alarms on any repair in 15 minutes', () => {
    const [, alarm] = resourceByPath(template, 'AWS::CloudWatch::Alarm', 'MonitoringReconcilerRepairs');
    expect(alarm.Properties).toMatchObject({ MetricName: 'ReconcilerRepairs', Threshold: 0, Period: 900 });
  });
});
