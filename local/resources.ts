/**
 * Creates, on the emulators, every stateful resource the synthesized template declares: DynamoDB
 * tables (keys, indexes, TTL, streams), SQS queues (attributes, redrive policies), SNS topics and
 * their SQS subscriptions, S3 buckets. There is no second, hand-written list: a table added to
 * the stack exists locally on the next `npm start`.
 *
 * Encryption settings (KMS keys) are read but not applied: the emulators have no KMS.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type StreamViewType,
  type TableClass,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import type { TableSchema, TableSchemas } from './item-size.ts';
import { arnOf, type LocalAccount, physicalName, resolveValue } from './resolve.ts';
import { type Resource, referencedId, resourcesOfType, type Template } from './template.ts';

export interface CreatedResources {
  tables: string[];
  queueUrls: Map<string, string>;
  topics: string[];
  buckets: string[];
}

export async function createResources(
  template: Template,
  account: LocalAccount,
  endpoints: { dynamoDb: string; aws: string },
): Promise<CreatedResources> {
  const clientConfig = { region: account.region, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamoDb });
  const sqs = new SQSClient({ ...clientConfig, endpoint: endpoints.aws });
  const sns = new SNSClient({ ...clientConfig, endpoint: endpoints.aws });
  const s3 = new S3Client({ ...clientConfig, endpoint: endpoints.aws, forcePathStyle: true });
  try {
    const [tables] = await Promise.all([
      createTables(dynamo, template, account),
      createQueues(sqs, template, account),
    ]);
    const topics = await createTopics(sns, template, account);
    const buckets = await createBuckets(s3, template);
    return { tables, queueUrls: account.queueUrls, topics, buckets };
  } finally {
    for (const client of [dynamo, sqs, sns, s3]) client.destroy();
  }
}

interface TableProperties {
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  LocalSecondaryIndexes?: LocalSecondaryIndex[];
  TimeToLiveSpecification?: { AttributeName?: string; Enabled?: boolean };
  StreamSpecification?: { StreamViewType?: StreamViewType };
  TableClass?: TableClass;
}

/** The template's tables (both kinds), as `[logicalId, resource]`: what is created and what is counted. */
function tableResources(template: Template): [string, Resource][] {
  return [
    ...resourcesOfType(template, 'AWS::DynamoDB::Table'),
    ...resourcesOfType(template, 'AWS::DynamoDB::GlobalTable'),
  ];
}

async function createTables(
  client: DynamoDBClient,
  template: Template,
  account: LocalAccount,
): Promise<string[]> {
  return Promise.all(
    tableResources(template).map(async ([logicalId, resource]) => {
      const p = resource.Properties as unknown as TableProperties;
      const TableName = physicalName(logicalId, resource);
      const created = await client.send(
        new CreateTableCommand({
          TableName,
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          // DynamoDB Local accepts the class and ignores it; the AWS call counter prices by it.
          ...(p.TableClass ? { TableClass: p.TableClass } : {}),
          ...(p.GlobalSecondaryIndexes?.length
            ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map(stripThroughput) }
            : {}),
          ...(p.LocalSecondaryIndexes?.length ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
          ...(p.StreamSpecification?.StreamViewType
            ? {
                StreamSpecification: {
                  StreamEnabled: true,
                  StreamViewType: p.StreamSpecification.StreamViewType,
                },
              }
            : {}),
        }),
      );
      const streamArn = created.TableDescription?.LatestStreamArn;
      if (streamArn) {
        account.streamArns ??= new Map();
        account.streamArns.set(logicalId, streamArn);
      }
      const ttl = p.TimeToLiveSpecification;
      if (ttl?.AttributeName && ttl.Enabled !== false) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        );
      }
      return TableName;
    }),
  );
}

/** Each table's key attributes and global secondary indexes, by its name: what the AWS call counter sizes index writes by. */
export function tableSchemas(template: Template): TableSchemas {
  return new Map(
    tableResources(template).map(([logicalId, resource]): [string, TableSchema] => {
      const p = resource.Properties as unknown as TableProperties;
      const keysOf = (schema: KeySchemaElement[] | undefined) =>
        (schema ?? []).map((k) => String(k.AttributeName));
      return [
        physicalName(logicalId, resource),
        {
          keys: keysOf(p.KeySchema),
          indexes: (p.GlobalSecondaryIndexes ?? []).map((index) => ({
            name: String(index.IndexName),
            keys: keysOf(index.KeySchema),
            projection: index.Projection?.ProjectionType ?? 'ALL',
            ...(index.Projection?.NonKeyAttributes ? { include: index.Projection.NonKeyAttributes } : {}),
          })),
          ...(p.TableClass === 'STANDARD_INFREQUENT_ACCESS' ? { infrequentAccess: true } : {}),
        },
      ];
    }),
  );
}

/** Global tables carry per-index settings (contributor insights, warm throughput) the API rejects. */
function stripThroughput(index: GlobalSecondaryIndex): GlobalSecondaryIndex {
  return { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection };
}

const QUEUE_ATTRIBUTES = [
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
] as const;

/** Dead-letter queues first, so that a redrive policy can name the real ARN. */
async function createQueues(client: SQSClient, template: Template, account: LocalAccount): Promise<void> {
  const queues = resourcesOfType(template, 'AWS::SQS::Queue');
  const created = new Set<string>();
  const pending = new Map(queues);
  while (pending.size > 0) {
    const ready = [...pending].filter(([, q]) => {
      const target = redriveTargetId(q);
      return !target || created.has(target);
    });
    if (ready.length === 0)
      throw new Error(`queues with unresolvable redrive policies: ${[...pending.keys()]}`);
    await Promise.all(
      ready.map(async ([logicalId, queue]) => {
        const url = await createQueue(client, logicalId, queue, template, account);
        account.queueUrls.set(logicalId, url);
        created.add(logicalId);
        pending.delete(logicalId);
      }),
    );
  }
}

function redriveTargetId(queue: Resource): string | undefined {
  const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
  return redrive ? referencedId(redrive.deadLetterTargetArn) : undefined;
}

async function createQueue(
  client: SQSClient,
  logicalId: string,
  queue: Resource,
  template: Template,
  account: LocalAccount,
): Promise<string> {
  const p = queue.Properties;
  const attributes: Record<string, string> = {};
  for (const name of QUEUE_ATTRIBUTES) if (p[name] !== undefined) attributes[name] = String(p[name]);
  if (p.RedrivePolicy) {
    attributes.RedrivePolicy = JSON.stringify(resolveValue(p.RedrivePolicy, template, account));
  }
  const QueueName = physicalName(logicalId, queue);
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`the SQS emulator returned no URL for ${QueueName}`);
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const expected = arnOf(logicalId, queue, account);
  if (Attributes?.QueueArn !== expected) {
    throw new Error(
      `queue ARN mismatch: the emulator says ${Attributes?.QueueArn}, the resolver ${expected}`,
    );
  }
  return QueueUrl;
}

async function createTopics(client: SNSClient, template: Template, account: LocalAccount): Promise<string[]> {
  const topics = await Promise.all(
    resourcesOfType(template, 'AWS::SNS::Topic').map(async ([logicalId, topic]) => {
      const fifo = topic.Properties.FifoTopic === true || topic.Properties.FifoTopic === 'true';
      const Name = physicalName(logicalId, topic);
      await client.send(
        new CreateTopicCommand({
          Name,
          ...(fifo ? { Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' } } : {}),
        }),
      );
      return Name;
    }),
  );
  for (const [, subscription] of resourcesOfType(template, 'AWS::SNS::Subscription')) {
    const p = subscription.Properties;
    if (p.Protocol !== 'sqs') continue; // e-mail/SMS subscriptions have no local peer: see the outbox
    const attributes: Record<string, string> = {};
    if (p.RawMessageDelivery !== undefined) attributes.RawMessageDelivery = String(p.RawMessageDelivery);
    if (p.FilterPolicy) attributes.FilterPolicy = JSON.stringify(p.FilterPolicy);
    await client.send(
      new SubscribeCommand({
        TopicArn: String(resolveValue(p.TopicArn, template, account)),
        Protocol: 'sqs',
        Endpoint: String(resolveValue(p.Endpoint, template, account)),
        Attributes: attributes,
      }),
    );
  }
  return topics;
}

async function createBuckets(client: S3Client, template: Template): Promise<string[]> {
  return Promise.all(
    resourcesOfType(template, 'AWS::S3::Bucket').map(async ([logicalId, bucket]) => {
      const Bucket = physicalName(logicalId, bucket);
      await client.send(new CreateBucketCommand({ Bucket }));
      return Bucket;
    }),
  );
}
