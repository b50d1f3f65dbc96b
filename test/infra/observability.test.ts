import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.ts';
import { productionApp, resourceByPath, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { chat, data, template } = productionApp();
const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
const alarmNames = Object.values(alarms).map((alarm) => alarm.Properties.AlarmName as string);
const [topicId, topic] = resourceByPath(template, 'AWS::SNS::Topic', 'OnCallOnCallTopic');

/** GitHub's anchors of the headings of docs/runbooks.md. */
const runbookAnchors = new Set(
  [...readFileSync(repoPath('docs/runbooks.md'), 'utf8').matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    (m[1] as string)
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

describe('the on-call topic', () => {
  it('is encrypted with a rotating key CloudWatch may use', () => {
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resourcesOf(template, 'AWS::KMS::Key')[keyId];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(key?.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
  });

  it('refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes the alarm e-mail only when one is configured', () => {
    synthesizeApp({ stage: 'dev' }).template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthesizeApp({ stage: 'dev', alarmEmail: 'oncall@example.org' }).template;
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.org',
    });
  });
});

describe('the alarms', () => {
  it.each(Object.entries(alarms))('%s links an existing runbook section and notifies on-call', (_, alarm) => {
    const match = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(
      alarm.Properties.AlarmDescription as string,
    );
    expect(match).not.toBeNull();
    expect(runbookAnchors).toContain(match?.[1]);
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
  });

  it('watches errors of every function', () => {
    for (const fn of [...chat.realtime.functions, chat.bot.function]) {
      expect(alarmNames).toContain(`SupportChat-prod-${fn.node.id}Errors`);
    }
  });

  it('watches throttles once, for the whole concurrency pool the functions share', () => {
    // No function reserves concurrency, so a throttle is the account's pool running out: one page.
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(40);
    for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    const throttleAlarms = Object.values(alarms).filter(
      (alarm) => alarm.Properties.MetricName === 'Throttles',
    );
    expect(throttleAlarms).toHaveLength(1);
    expect(throttleAlarms[0]?.Properties).toMatchObject({
      AlarmName: 'SupportChat-prod-LambdaThrottles',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(throttleAlarms[0]?.Properties.Dimensions).toBeUndefined();
  });

  it('fires on the first message in the dead-letter queue', () => {
    const [dlqId] = resourceByPath(template, 'AWS::SQS::Queue', 'BotQueuesBotDeadLetterQueue');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-BotDeadLetterQueueNotEmpty',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('fires when the bot falls behind the 30 s first-response SLA', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-BotQueueBacklog',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 30,
    });
  });

  it.each(['IntegrationError', 'ExecutionError'])('fires on any WebSocket %s of the stage', (metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: metricName,
      Dimensions: Match.arrayWith([{ Name: 'Stage', Value: 'v1' }]),
      Threshold: 0,
    });
  });

  it('fires on throttling of every table', () => {
    for (const table of data.tables.all()) {
      expect(alarmNames).toContain(`SupportChat-prod-${table.node.id}Throttling`);
    }
  });
});

describe('the alarms of docs/requirements.md#alarms', () => {
  it('fires on any SLA breach in the last hour', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-SlaBreach',
      Namespace: 'SupportChat',
      MetricName: 'SlaBreaches',
      Dimensions: [{ Name: 'service', Value: 'support-chat' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 1,
      Threshold: 0,
    });
  });

  it('fires when the p90 first response is over 30 s', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-FirstResponseP90',
      Namespace: 'SupportChat',
      MetricName: 'FirstResponseTime',
      ExtendedStatistic: 'p90',
      Threshold: 30_000,
    });
  });

  it('fires when the oldest message of any operator queue is over 120 s', () => {
    const alarm = Object.values(alarms).find(
      (a) => a.Properties.AlarmName === 'SupportChat-prod-OperatorQueueBacklog',
    );
    expect(alarm?.Properties.Threshold).toBe(120);
    const metrics = alarm?.Properties.Metrics as { MetricStat?: { Metric: { Dimensions: unknown } } }[];
    const queues = Object.values(chat.assignmentQueues.operatorQueues).map((queue) =>
      chat.getLogicalId(queue.node.defaultChild as never),
    );
    const watched = JSON.stringify(metrics.map((m) => m.MetricStat?.Metric.Dimensions));
    expect(queues).toHaveLength(7);
    for (const queueId of queues) expect(watched).toContain(queueId);
  });

  it("fires on any 5xx of the portal's feedback API (API Gateway integration errors of the HTTP API)", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-FeedbackStageServerErrors',
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Threshold: 0,
    });
  });

  it('fires on a message in every dead-letter queue of the stack', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const deadLetterIds = new Set(
      Object.values(queues).flatMap((queue) => {
        const target = (
          queue.Properties.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': [string] } }
        )?.deadLetterTargetArn;
        return target ? [target['Fn::GetAtt'][0]] : [];
      }),
    );
    const watched = JSON.stringify(Object.values(alarms).map((a) => a.Properties.Dimensions ?? null));
    expect(deadLetterIds.size).toBeGreaterThan(2);
    for (const id of deadLetterIds) expect(watched).toContain(id);
    expect(alarmNames).toContain('SupportChat-prod-DeskStreamFailureQueueNotEmpty');
  });

  it('watches errors and throttles of every Lambda function of the template', () => {
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    const watchedFunctions = JSON.stringify(
      Object.values(alarms)
        .filter((a) => a.Properties.Namespace === 'AWS/Lambda')
        .map((a) => a.Properties.Dimensions),
    );
    for (const id of Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))) {
      // CDK's own singleton helpers (log retention, custom resources) are not ours to watch.
      if (id.startsWith('LogRetention') || id.startsWith('AWS')) continue;
      expect(watchedFunctions, `${id} has no alarm`).toContain(id);
    }
    expect(functions.length).toBeGreaterThan(10);
  });
});

describe('the dashboard', () => {
  it('shows the SLA: first response, time to assignment, resolution, breaches, CSAT, operator queues', () => {
    const dashboard = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of ['FirstResponseTime', 'TimeToAssignment', 'ResolutionTime', 'SlaBreaches', 'CSAT']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('Operator queues: oldest waiting');
  });

  it('shows the state of every alarm', () => {
    const dashboard = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const alarmId of Object.keys(alarms)) expect(body).toContain(alarmId);
  });
});
