import { describe, expect, it } from 'vitest';
import { ESCALATION_MAX_RECEIVE_COUNT } from '../../infra/constructs/queues.ts';
import { environmentOf, productionApp, resourceByPath, resourcesOf, type TemplateResource } from './synth.ts';

// Prepare
const { template } = productionApp();
const [queueId, queue] = resourceByPath(template, 'AWS::SQS::Queue', 'EscalationQueuesEscalationQueue');
const [dlqId, dlq] = resourceByPath(template, 'AWS::SQS::Queue', 'EscalationQueuesEscalationDeadLetterQueue');
const functions = resourcesOf(template, 'AWS::Lambda::Function');
// A large role policy overflows into managed policies (CDK splits it): both count.
const policies = [
  ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')),
  ...Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')),
];

/** Entries of the functions whose role may call `action` on the escalation queue. */
function entriesAllowed(action: string): string[] {
  return Object.values(functions)
    .filter((fn) => {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      return policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
              .Statement,
        )
        .some(
          (s) => [s.Action].flat().includes(action) && JSON.stringify(s.Resource).includes(`"${queueId}"`),
        );
    })
    .map((fn) => fn.Metadata?.['local:entry'] as string)
    .sort();
}

describe('the escalation queue', () => {
  it('is FIFO and leaves deduplication to the producer ({conversationId}#{attempt})', () => {
    expect(queue.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
    });
  });

  it('keeps an escalation 14 days, so none is lost before the dispatcher consumes it', () => {
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
  });

  it(`moves an escalation to a FIFO dead-letter queue after ${ESCALATION_MAX_RECEIVE_COUNT} receives`, () => {
    expect(dlq.Properties).toMatchObject({ FifoQueue: true });
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('is consumed by the escalation consumer only, in batches of 10 reporting partial failures', () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) =>
        JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(entriesAllowed('sqs:ReceiveMessage')).toEqual(['functions/handlers/escalation-consumer.ts']);
  });

  it('is sent to by the bot worker, message.send (its bot turn), operator.request and the reconciler (an escalation never published) only, send-only, with its URL in ESCALATION_QUEUE_URL', () => {
    expect(entriesAllowed('sqs:SendMessage')).toEqual([
      'functions/handlers/bot-worker.ts',
      'functions/handlers/message-send.ts',
      'functions/handlers/operator-request.ts',
      'functions/handlers/reconciler.ts',
    ]);
    for (const prefix of [
      'BotBotWorker',
      'RealtimeMessageSend',
      'RealtimeOperatorRequest',
      'AssignmentReconciler',
    ]) {
      const [, fn] = resourceByPath(template, 'AWS::Lambda::Function', prefix);
      expect(environmentOf(fn as TemplateResource).ESCALATION_QUEUE_URL).toEqual({ Ref: queueId });
    }
  });

  it('alarms on the first escalation in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-EscalationDeadLetterQueueNotEmpty',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 0,
    });
  });

  it('alarms when the oldest escalation waited over 120 s', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-EscalationQueueBacklog',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 120,
    });
  });
});

describe('the operator queues and the timer queue', () => {
  const queues = resourcesOf(template, 'AWS::SQS::Queue');
  const operatorQueue = (name: string) =>
    resourceByPath(template, 'AWS::SQS::Queue', `AssignmentQueuesOperator${name}Queue`);

  it.each(['Auth', 'Applications', 'Documents', 'Legal', 'Mfc', 'General', 'Senior'])(
    'has a FIFO %s queue keeping a waiting conversation 14 days, dead-lettered after 1000 receives (the most SQS allows)',
    (name) => {
      const [, queue] = operatorQueue(name);
      const [dlqId, dlq] = resourceByPath(
        template,
        'AWS::SQS::Queue',
        `AssignmentQueuesOperator${name}DeadLetterQueue`,
      );
      expect(queue.Properties).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
        VisibilityTimeout: 30,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 1000 },
      });
      expect(dlq.Properties.FifoQueue).toBe(true);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `SupportChat-prod-Operator${name}DeadLetterQueueNotEmpty`,
      });
    },
  );

  it('has a standard timer queue (delayed messages) with a dead-letter queue, consumed by TimerConsumer', () => {
    const [timerId, timer] = resourceByPath(template, 'AWS::SQS::Queue', 'AssignmentQueuesTimerQueue');
    expect(timer.Properties.FifoQueue).toBeUndefined();
    expect(timer.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) =>
        JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [timerId, 'Arn'] }),
    );
    expect(mapping?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(Object.keys(queues).length).toBeGreaterThan(16);
  });

  it('gives the dispatchers every operator queue URL and the timer queue URL', () => {
    for (const prefix of [
      'AssignmentEscalationConsumer',
      'AssignmentTimerConsumer',
      'AssignmentOperatorStatus',
      'AssignmentOperatorNext',
    ]) {
      const [, fn] = resourceByPath(template, 'AWS::Lambda::Function', prefix);
      const env = environmentOf(fn);
      for (const name of ['AUTH', 'APPLICATIONS', 'DOCUMENTS', 'LEGAL', 'MFC', 'GENERAL', 'SENIOR']) {
        expect(env[`OPERATOR_QUEUE_URL_${name}`]).toBeDefined();
      }
      expect(env.TIMER_QUEUE_URL).toBeDefined();
      expect(env.OPERATORS_TABLE).toBeDefined();
    }
  });

  it('lets $disconnect start an operator grace timer (the timer queue, send only)', () => {
    const [, fn] = resourceByPath(template, 'AWS::Lambda::Function', 'RealtimeDisconnect');
    const [timerId] = resourceByPath(template, 'AWS::SQS::Queue', 'AssignmentQueuesTimerQueue');
    expect(environmentOf(fn).TIMER_QUEUE_URL).toEqual({ Ref: timerId });
  });

  it('lets PrivacyErase free the slot of an operator who held an erased conversation (OperatorsTable, the timer queue)', () => {
    const [, fn] = resourceByPath(template, 'AWS::Lambda::Function', 'AuditPrivacyErase');
    const [timerId] = resourceByPath(template, 'AWS::SQS::Queue', 'AssignmentQueuesTimerQueue');
    const env = environmentOf(fn);
    expect(env.TIMER_QUEUE_URL).toEqual({ Ref: timerId });
    expect(env.OPERATORS_TABLE).toBeDefined();
  });
});
