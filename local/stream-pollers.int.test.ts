/**
 * The DynamoDB stream event source mapping driver against the real DynamoDB Local (the one the
 * integration run starts): start at LATEST, filter criteria, batch size, Lambda's record shape,
 * resuming from the first failed record of a partial failure, and giving up after the retries.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import type { LocalFunction } from './functions.ts';
import type { Poller } from './pollers.ts';
import { startStreamPoller } from './stream-pollers.ts';
import type { StreamEventSourceMappingSpec } from './template.ts';

const region = process.env.AWS_REGION ?? 'eu-central-1';
const endpoint = String(process.env.AWS_ENDPOINT_URL_DYNAMODB);
let dynamo: DynamoDBClient;
let poller: Poller | undefined;

beforeAll(() => {
  dynamo = new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS });
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});
afterAll(() => dynamo.destroy());

/** A fresh table with a NEW_IMAGE stream, keyed like MessagesTable; returns its name and stream ARN. */
async function tableWithStream(): Promise<{ tableName: string; streamArn: string }> {
  const tableName = `stream-test-${randomUUID()}`;
  const { TableDescription } = await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: 'conversationId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'conversationId', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  return { tableName, streamArn: String(TableDescription?.LatestStreamArn) };
}

const put = (tableName: string, seq: number, from: string, text: string) =>
  dynamo.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { conversationId: { S: 'c-1' }, seq: { N: String(seq) }, from: { S: from }, text: { S: text } },
    }),
  );

const mapping = (overrides: Partial<StreamEventSourceMappingSpec>): StreamEventSourceMappingSpec => ({
  functionId: 'Outbox',
  tableId: 'Table',
  batchSize: 10,
  startingPosition: 'LATEST',
  filters: [],
  reportBatchItemFailures: true,
  maximumRetryAttempts: -1,
  maximumBatchingWindowSeconds: 0,
  ...overrides,
});

/** A function that records each batch it got (as texts) and answers what `respond` says. */
function recordingFunction(respond: (records: DynamoDBRecord[], call: number) => DynamoDBBatchResponse) {
  const batches: DynamoDBRecord[][] = [];
  const fn: LocalFunction = {
    logicalId: 'Outbox',
    name: 'Outbox',
    entry: 'test',
    initMs: 0,
    async invoke(event) {
      const { Records } = event as DynamoDBStreamEvent;
      batches.push(Records);
      return respond(Records, batches.length);
    },
  };
  const texts = () => batches.map((batch) => batch.map((r) => r.dynamodb?.NewImage?.text?.S));
  return { fn, batches, texts };
}

async function until(condition: () => boolean, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ok = (): DynamoDBBatchResponse => ({ batchItemFailures: [] });

describe('the DynamoDB stream event source mapping', () => {
  it('delivers only what was written after the start and passes the filter, in batches of BatchSize', async () => {
    // Prepare
    const { tableName, streamArn } = await tableWithStream();
    await put(tableName, 1, 'citizen', 'before the start');
    const { fn, batches, texts } = recordingFunction(ok);
    poller = await startStreamPoller({
      mapping: mapping({
        batchSize: 2,
        filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { from: { S: ['citizen'] } } } }],
      }),
      fn,
      streamArn,
      endpoint,
      region,
      log: () => undefined,
    });

    // Act
    await put(tableName, 2, 'citizen', 'one');
    await put(tableName, 3, 'bot', 'a bot reply');
    await put(tableName, 4, 'citizen', 'two');
    await put(tableName, 5, 'citizen', 'three');
    await dynamo.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { conversationId: { S: 'c-1' }, seq: { N: '2' } },
        UpdateExpression: 'SET #t = :t',
        ExpressionAttributeNames: { '#t': 'text' },
        ExpressionAttributeValues: { ':t': { S: 'one, edited' } },
      }),
    );
    await put(tableName, 6, 'citizen', 'four');
    await until(() => texts().flat().includes('four'));

    // Assess
    expect(texts().flat()).toEqual(['one', 'two', 'three', 'four']);
    expect(batches.every((batch) => batch.length <= 2)).toBe(true);
    const [first] = batches[0] ?? [];
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { conversationId: { S: 'c-1' }, seq: { N: '2' } },
        NewImage: { from: { S: 'citizen' }, text: { S: 'one' } },
        SequenceNumber: expect.any(String),
        StreamViewType: 'NEW_IMAGE',
      },
    });
  });

  it('holds records for MaximumBatchingWindowInSeconds and delivers them in one batch', async () => {
    // Prepare
    const { tableName, streamArn } = await tableWithStream();
    const { fn, batches, texts } = recordingFunction(ok);
    poller = await startStreamPoller({
      mapping: mapping({ batchSize: 10, maximumBatchingWindowSeconds: 2 }),
      fn,
      streamArn,
      endpoint,
      region,
      log: () => undefined,
    });

    // Act
    const written = Date.now();
    await put(tableName, 1, 'citizen', 'one');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await put(tableName, 2, 'citizen', 'two');
    await until(() => texts().flat().includes('two'));
    const delivered = Date.now();

    // Assess
    expect(texts()).toEqual([['one', 'two']]);
    expect(batches).toHaveLength(1);
    expect(delivered - written).toBeGreaterThanOrEqual(2000);
  });

  it('resumes from the first record the function reports as failed, not from the start of the batch', async () => {
    // Prepare
    const { tableName, streamArn } = await tableWithStream();
    const { fn, texts } = recordingFunction((records, call) => ({
      batchItemFailures:
        call === 1
          ? records
              .filter((r) => r.dynamodb?.NewImage?.text?.S !== 'a')
              .map((r) => ({ itemIdentifier: String(r.dynamodb?.SequenceNumber) }))
          : [],
    }));
    poller = await startStreamPoller({
      mapping: mapping({}),
      fn,
      streamArn,
      endpoint,
      region,
      log: () => undefined,
      retryDelayMs: 10,
    });

    // Act: one transaction, so that its three records are read and delivered as one batch
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: ['a', 'b', 'c'].map((text, i) => ({
          Put: {
            TableName: tableName,
            Item: {
              conversationId: { S: 'c-1' },
              seq: { N: String(i + 1) },
              from: { S: 'citizen' },
              text: { S: text },
            },
          },
        })),
      }),
    );
    await until(() => texts().length >= 2);

    // Assess
    expect(texts()).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
  });

  it('tries a throwing batch again MaximumRetryAttempts times, then gives it up and goes on', async () => {
    // Prepare
    const { tableName, streamArn } = await tableWithStream();
    const given: string[] = [];
    const seen: string[] = [];
    const fn: LocalFunction = {
      logicalId: 'Outbox',
      name: 'Outbox',
      entry: 'test',
      initMs: 0,
      async invoke(event) {
        const records = (event as DynamoDBStreamEvent).Records;
        seen.push(...records.map((r) => String(r.dynamodb?.NewImage?.text?.S)));
        if (records.some((r) => r.dynamodb?.NewImage?.text?.S === 'poison')) throw new Error('poison');
        return ok();
      },
    };
    poller = await startStreamPoller({
      mapping: mapping({ maximumRetryAttempts: 2 }),
      fn,
      streamArn,
      endpoint,
      region,
      log: (line) => given.push(line),
      retryDelayMs: 10,
    });

    // Act
    await put(tableName, 1, 'citizen', 'poison');
    await until(() => given.length > 0);
    await put(tableName, 2, 'citizen', 'next');
    await until(() => seen.includes('next'));

    // Assess
    expect(seen.filter((t) => t === 'poison')).toHaveLength(3);
    expect(given.some((line) => line.includes('gave up 1 stream records after 2 retries'))).toBe(true);
  });
});
