import { existsSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.ts';
import { environmentOf, resourceByPath, resourcesOf, synthesizeStack } from './synth.ts';

// Prepare
const { template } = synthesizeStack();
const [queueId, queue] = resourceByPath(template, 'AWS::SQS::Queue', 'BotQueuesBotQueue');
const [dlqId, dlq] = resourceByPath(template, 'AWS::SQS::Queue', 'BotQueuesBotDeadLetterQueue');
const [workerId, worker] = resourceByPath(template, 'AWS::Lambda::Function', 'BotBotWorker');

describe('the bot queue', () => {
  it('is FIFO and leaves deduplication to the producer (dedup id = messageId)', () => {
    expect(queue.Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
  });

  it('moves a job to a FIFO dead-letter queue after 5 receives', () => {
    expect(dlq.Properties).toMatchObject({ FifoQueue: true });
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('hides a received job for at least 6 times the worker timeout', () => {
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(worker.Properties.Timeout));
  });

  it.each([
    ['queue', queueId],
    ['dead-letter queue', dlqId],
  ])('encrypts the %s and refuses plain HTTP', (_, id) => {
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
});

describe('the bot worker', () => {
  it('drains the queue 10 at a time and reports partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: workerId },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('mounts the knowledge-base layer and finds it at /opt/kb', () => {
    const [layerId, layer] = resourceByPath(template, 'AWS::Lambda::LayerVersion', 'KnowledgeBaseLayer');
    expect(worker.Properties.Layers).toEqual([{ Ref: layerId }]);
    expect(environmentOf(worker).KNOWLEDGE_BASE_DIR).toBe('/opt/kb');
    expect(layer.Metadata?.['local:path']).toBe('layers/knowledge-base');
    expect(existsSync(repoPath('layers/knowledge-base/kb'))).toBe(true);
  });

  it('knows its own queue and may change the visibility of its jobs, to retry a failed one in seconds', () => {
    expect(JSON.stringify(environmentOf(worker).BOT_QUEUE_URL)).toContain('BotQueue');
    const statements = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(statements).toContain('sqs:ChangeMessageVisibility');
  });
});
