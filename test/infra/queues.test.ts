/**
 * Rules every SQS queue of the stack keeps, whoever adds it: encrypted at rest, TLS only, and
 * (for the queues that carry work) a dead-letter queue.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { productionApp, resourcesOf } from './synth.ts';

// Prepare
const { template } = productionApp();
const queues = Object.entries(resourcesOf(template, 'AWS::SQS::Queue'));
const deadLetterTargets = new Set(
  queues.flatMap(([, q]) => {
    const redrive = q.Properties.RedrivePolicy as
      | { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string] } }
      | undefined;
    return redrive?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] ?? [];
  }),
);

describe('every queue of the stack', () => {
  it('is one of the 24 queues of docs/architecture.md, no more, no fewer', () => {
    const names = queues.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort();
    const operatorQueues = ['Auth', 'Applications', 'Documents', 'Legal', 'Mfc', 'General', 'Senior'];
    expect(names).toEqual(
      [
        'BotQueuesBotQueue',
        'BotQueuesBotDeadLetterQueue',
        'EscalationQueuesEscalationQueue',
        'EscalationQueuesEscalationDeadLetterQueue',
        ...operatorQueues.flatMap((name) => [
          `AssignmentQueuesOperator${name}Queue`,
          `AssignmentQueuesOperator${name}DeadLetterQueue`,
        ]),
        'AssignmentQueuesTimerQueue',
        'AssignmentQueuesTimerDeadLetterQueue',
        'OutboxOutboxFailureQueue',
        'DeskDeskStreamFailureQueue',
        'AttachmentsAttachmentCheckQueue',
        'AttachmentsAttachmentCheckDeadLetterQueue',
      ].sort(),
    );
  });

  it.each(queues.map(([id]) => [id]))('%s is encrypted and refuses plain HTTP', (id) => {
    expect(resourcesOf(template, 'AWS::SQS::Queue')[id]?.Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it.each(queues.filter(([, q]) => q.Properties.FifoQueue === true).map(([id]) => [id]))(
    'FIFO queue %s is a dead-letter queue or has one',
    (id) => {
      const redrive = resourcesOf(template, 'AWS::SQS::Queue')[id]?.Properties.RedrivePolicy;
      expect(deadLetterTargets.has(id) || redrive !== undefined).toBe(true);
    },
  );
});
