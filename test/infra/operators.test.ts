import { describe, expect, it } from 'vitest';
import { ESCALATION_MAX_RECEIVE_COUNT } from '../../infra/constructs/operators.ts';
import {
  environmentOf,
  resourceByPath,
  resourcesOf,
  synthesizeStack,
  type TemplateResource,
} from './synth.ts';

// Prepare
const { template } = synthesizeStack();
const [queueId, queue] = resourceByPath(template, 'AWS::SQS::Queue', 'EscalationQueuesEscalationQueue');
const [dlqId, dlq] = resourceByPath(template, 'AWS::SQS::Queue', 'EscalationQueuesEscalationDeadLetterQueue');
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));

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

  it('has no consumer yet: no event source mapping reads it (the dispatcher is issue 6)', () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.map((m) => JSON.stringify(m.Properties.EventSourceArn))).not.toContain(
      JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }),
    );
    expect(entriesAllowed('sqs:ReceiveMessage')).toEqual([]);
  });

  it('is sent to by the bot worker and operator.request only, send-only, with its URL in ESCALATION_QUEUE_URL', () => {
    expect(entriesAllowed('sqs:SendMessage')).toEqual([
      'functions/handlers/bot-worker.ts',
      'functions/handlers/operator-request.ts',
    ]);
    for (const prefix of ['BotBotWorker', 'RealtimeOperatorRequest']) {
      const [, fn] = resourceByPath(template, 'AWS::Lambda::Function', prefix);
      expect(environmentOf(fn as TemplateResource).ESCALATION_QUEUE_URL).toEqual({ Ref: queueId });
    }
  });

  it('alarms on the first escalation in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-EscalationDeadLetterQueueNotEmpty',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 0,
    });
  });

  it('alarms when the oldest escalation waited over 120 s', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-EscalationQueueBacklog',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 120,
    });
  });
});
