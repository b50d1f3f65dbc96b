import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.ts';
import { environmentOf, productionApp, resourceByPath, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { template } = productionApp();
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
    // The MFC directory ships in the same layer; without the Web stack's origin no checklist link.
    expect(environmentOf(worker).MFC_DIRECTORY_DIR).toBe('/opt/mfc');
    expect(environmentOf(worker).CHECKLIST_PAGES_URL).toBeUndefined();
    expect(environmentOf(worker).PORTAL_REGISTRY_URL).toBeUndefined();
    expect(layer.Metadata?.['local:path']).toBe('layers/knowledge-base');
    expect(existsSync(repoPath('layers/knowledge-base/kb'))).toBe(true);
  });

  it('links the checklists on the Web stack and asks the portal registry when the context names them, as message.send does (it answers the bot turn too)', () => {
    const configured = synthesizeApp({
      webOrigin: 'https://support.example.org',
      portalRegistryUrl: 'https://registry.portal.example/api',
    }).template;
    for (const path of ['BotBotWorker', 'RealtimeMessageSend']) {
      const [, fn] = resourceByPath(configured, 'AWS::Lambda::Function', path);
      expect(environmentOf(fn)).toMatchObject({
        CHECKLIST_PAGES_URL: 'https://support.example.org',
        PORTAL_REGISTRY_URL: 'https://registry.portal.example/api',
      });
      expect(environmentOf(fn)).toHaveProperty('MFC_DIRECTORY_DIR');
    }
  });

  it('reads the registry’s token from one secret the stack creates (retained), and may read no other', () => {
    // Prepare
    const configured = synthesizeApp({ portalRegistryUrl: 'https://registry.portal.example/api' }).template;
    const [fnId, fn] = resourceByPath(configured, 'AWS::Lambda::Function', 'BotBotWorker');
    const [secretId, secret] = resourceByPath(
      configured,
      'AWS::SecretsManager::Secret',
      'BotPortalRegistryToken',
    );
    // Act
    const reads = Object.values(resourcesOf(configured, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(fnId.replace(/[0-9A-F]{8}$/, '')))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> })
            .Statement,
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'));
    // Assess
    expect(environmentOf(fn).PORTAL_REGISTRY_TOKEN_SECRET_ID).toEqual({ Ref: secretId });
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(reads.map((statement) => statement.Resource)).toEqual([{ Ref: secretId }]);
    expect(JSON.stringify(reads)).not.toContain('PutSecretValue');
  });

  it('reads the registry’s token from the portal team’s secret when the context names it, creating none', () => {
    const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:portal-registry-token-AbCdEf';
    const configured = synthesizeApp({
      portalRegistryUrl: 'https://registry.portal.example/api',
      portalRegistryTokenSecretArn: arn,
    }).template;
    const [, fn] = resourceByPath(configured, 'AWS::Lambda::Function', 'BotBotWorker');
    expect(environmentOf(fn).PORTAL_REGISTRY_TOKEN_SECRET_ID).toBe(arn);
    expect(
      Object.keys(resourcesOf(configured, 'AWS::SecretsManager::Secret')).filter((id) =>
        id.includes('PortalRegistry'),
      ),
    ).toEqual([]);
    expect(JSON.stringify(configured.findResources('AWS::IAM::Policy'))).toContain(arn);
  });

  it('reads no registry token when no registry is configured', () => {
    expect(environmentOf(worker).PORTAL_REGISTRY_TOKEN_SECRET_ID).toBeUndefined();
  });

  it('knows its own queue and may change the visibility of its jobs, to retry a failed one in seconds', () => {
    expect(JSON.stringify(environmentOf(worker).BOT_QUEUE_URL)).toContain('BotQueue');
    const statements = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(statements).toContain('sqs:ChangeMessageVisibility');
  });
});

describe('the outbox (BotOutbox on the messages stream)', () => {
  const [messagesId, messages] = resourceByPath(template, 'AWS::DynamoDB::Table', 'DataMessagesTable');
  const [outboxId, dispatch] = resourceByPath(template, 'AWS::Lambda::Function', 'OutboxBotOutbox');
  const [failuresId, failures] = resourceByPath(template, 'AWS::SQS::Queue', 'OutboxOutboxFailureQueue');
  const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter(
    (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: outboxId }),
  );

  it('streams the new image of every message; the only other stream is the tickets one (the desk, both images)', () => {
    expect(messages.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    const [ticketsId] = resourceByPath(template, 'AWS::DynamoDB::Table', 'DataTicketsTable');
    const streamed = Object.entries(resourcesOf(template, 'AWS::DynamoDB::Table')).filter(
      ([, table]) => table.Properties.StreamSpecification !== undefined,
    );
    expect(streamed.map(([id]) => id).sort()).toEqual([messagesId, ticketsId].sort());
  });

  it('reads the stream from LATEST, 50 at a time after a 1 s window, bisecting, retrying 10 times, reporting partial failures', () => {
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [messagesId, 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 50,
      // message.send's own answer lands first, so the outbox finds its bot# key and queues nothing.
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failuresId, 'Arn'] } } },
    });
  });

  it('is invoked only for INSERTs of citizen messages marked for the bot', () => {
    const criteria = mappings[0]?.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;
    const filters = criteria?.Filters ?? [];
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { from: { S: ['citizen'] }, outbox: { S: ['bot'] } } },
      },
    ]);
  });

  it('sends to the bot queue (BOT_QUEUE_URL), reads the messages stream, and reads (only) the bot# keys of IdempotencyTable', () => {
    // Prepare
    const roleId = (dispatch.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      );
    const on = (resource: unknown) =>
      statements
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(resource))
        .flatMap((s) => [s.Action].flat());

    // Assess
    expect(environmentOf(dispatch).BOT_QUEUE_URL).toEqual({ Ref: queueId });
    expect(on({ 'Fn::GetAtt': [queueId, 'Arn'] })).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(on({ 'Fn::GetAtt': [messagesId, 'StreamArn'] })).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream']),
    );
    expect(on({ 'Fn::GetAtt': [failuresId, 'Arn'] })).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    // Which table: the grants of test/infra/functions.test.ts (IdempotencyTable, read).
    expect(JSON.stringify(statements)).toContain('dynamodb:GetItem');
    expect(JSON.stringify(statements)).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
  });

  it('puts what it gave up on a standard queue kept 14 days', () => {
    expect(failures.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
    });
    expect(failures.Properties.FifoQueue).toBeUndefined();
    // Encryption and TLS only: test/infra/queues.test.ts, for every queue.
  });

  it('alarms on-call when the failure queue holds anything', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-BotOutboxFailures',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failuresId, 'QueueName'] } }],
      Threshold: 0,
    });
  });

  it('alarms on-call when the outbox lags the stream by more than the first-response SLA', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'SupportChat-prod-BotOutboxLag',
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Threshold: 30_000,
    });
  });
});
