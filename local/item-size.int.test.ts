/**
 * The counter's transaction units (local/item-size.ts) against the real DynamoDB Local of the
 * integration run: item sizes agree with what DynamoDB Local reports for single puts (right for one
 * item), at and around each kilobyte; a transaction of several items in one table is counted as
 * DynamoDB bills it, where DynamoDB Local's own figure is short.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import { itemSize, transactionWriteUnits } from './item-size.ts';

const client = new DynamoDBClient({
  region: process.env.AWS_REGION ?? 'eu-central-1',
  endpoint: String(process.env.AWS_ENDPOINT_URL_DYNAMODB),
  credentials: LOCAL_CREDENTIALS,
});
const documents = DynamoDBDocumentClient.from(client);
const tables = [`item-size-a-${randomUUID()}`, `item-size-b-${randomUUID()}`] as const;
const [tableA, tableB] = tables;
/** A table whose items are also written into an index. */
const indexed = `item-size-indexed-${randomUUID()}`;

beforeAll(async () => {
  for (const TableName of tables) {
    await client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  await client.send(
    new CreateTableCommand({
      TableName: indexed,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'bySeq',
          KeySchema: [{ AttributeName: 'seq', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  for (const TableName of [...tables, indexed]) await client.send(new DeleteTableCommand({ TableName }));
});

/** An item of the kinds of values the functions write, padded to about `bytes`. */
function itemOf(bytes: number): Record<string, unknown> {
  return {
    pk: randomUUID(),
    seq: 1234567,
    ratio: -0.0425,
    at: 1700000000000,
    half: 1.5,
    zero: 0,
    tiny: 1.5e-10,
    flag: true,
    nothing: null,
    body: new Uint8Array(16).fill(7),
    tags: ['bot', 'ru', 42],
    ref: { conversationId: randomUUID(), seq: 12, count: 2 },
    text: 'ж'.repeat(Math.max(0, Math.floor((bytes - 250) / 2))),
  };
}

describe('the AWS call counter: transaction units from items (DynamoDB Local)', () => {
  it('sizes items as DynamoDB Local bills single puts, plain or marshalled, exactly at each kilobyte', async () => {
    // Prepare: items padded to exactly a kilobyte boundary, and one byte past it, by our size.
    const targets = [1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097];
    const seen: { target: number; reported: number; marshalled: number }[] = [];
    // Act
    for (const target of targets) {
      const base = { ...itemOf(target - 200), pad: '' };
      const item = { ...base, pad: 'x'.repeat(target - itemSize(base, false)) };
      const { ConsumedCapacity } = await client.send(
        new PutItemCommand({ TableName: tableA, Item: marshall(item), ReturnConsumedCapacity: 'TOTAL' }),
      );
      seen.push({
        target,
        reported: ConsumedCapacity?.CapacityUnits ?? -1,
        marshalled: itemSize(marshall(item), true),
      });
    }
    // Assess
    expect(seen).toEqual(
      targets.map((target) => ({
        target,
        reported: Math.ceil(target / 1024),
        marshalled: target,
      })),
    );
  });

  it("counts a transaction's items in one table twice each, where DynamoDB Local reports fewer", async () => {
    // Prepare: two items of about 1.5 KB in one table, one small in another.
    const input = {
      TransactItems: [
        { Put: { TableName: tableA, Item: itemOf(1500) } },
        { Put: { TableName: tableA, Item: itemOf(1500) } },
        { Put: { TableName: tableB, Item: itemOf(100) } },
      ],
      ReturnConsumedCapacity: 'INDEXES' as const,
    };
    // Act
    const { ConsumedCapacity = [] } = await documents.send(new TransactWriteCommand(input));
    const reported = ConsumedCapacity.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    const counted = transactionWriteUnits(input, false, ConsumedCapacity);
    const tableAInfrequent = transactionWriteUnits(
      input,
      false,
      ConsumedCapacity,
      new Map([[tableA, { keys: ['pk'], indexes: [], infrequentAccess: true }]]),
    );
    // Assess: 2 × (2 + 2) + 2 × 1 in AWS, of which table A's 8 if it is of the Infrequent Access class.
    expect(counted).toEqual({ units: 10, infrequentAccessUnits: 0, estimated: false });
    expect(tableAInfrequent).toEqual({ units: 10, infrequentAccessUnits: 8, estimated: false });
    expect(reported).toBeLessThan(10);
  });

  it("keeps DynamoDB Local's figure, and says so, for a table whose items the request does not all hold", async () => {
    // Prepare
    const existing = itemOf(100);
    await documents.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableA, Item: existing } }] }),
    );
    const input = {
      TransactItems: [
        { Put: { TableName: tableA, Item: marshall(itemOf(100)) } },
        {
          Update: {
            TableName: tableA,
            Key: marshall({ pk: existing.pk }),
            UpdateExpression: 'SET seq = :n',
            ExpressionAttributeValues: marshall({ ':n': 2 }),
          },
        },
        { Put: { TableName: tableB, Item: marshall(itemOf(100)) } },
      ],
      ReturnConsumedCapacity: 'INDEXES' as const,
    };
    // Act
    const { ConsumedCapacity = [] } = await client.send(new TransactWriteItemsCommand(input));
    const counted = transactionWriteUnits(input, true, ConsumedCapacity);
    // Assess
    const reported = ConsumedCapacity.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    expect(counted).toEqual({ units: reported, infrequentAccessUnits: 0, estimated: true });
  });

  it("counts the index entries of a transaction's items from the table's schema, and says so without it", async () => {
    // Prepare: two items of the same size in the index (DynamoDB Local reports them as one), one
    // without the index's key (written into the table only).
    const { seq: _none, ...unindexed } = itemOf(100);
    const input = {
      TransactItems: [
        { Put: { TableName: indexed, Item: itemOf(100) } },
        { Put: { TableName: indexed, Item: itemOf(100) } },
        { Put: { TableName: indexed, Item: unindexed } },
      ],
      ReturnConsumedCapacity: 'INDEXES' as const,
    };
    const schemas = new Map([
      [indexed, { keys: ['pk'], indexes: [{ name: 'bySeq', keys: ['seq'], projection: 'ALL' as const }] }],
    ]);
    // Act
    const { ConsumedCapacity = [] } = await documents.send(new TransactWriteCommand(input));
    const reported = ConsumedCapacity.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    // Assess: the table 2 × 3 items, the index 2 × 2 entries.
    expect(transactionWriteUnits(input, false, ConsumedCapacity, schemas)).toEqual({
      units: 10,
      infrequentAccessUnits: 0,
      estimated: false,
    });
    expect(transactionWriteUnits(input, false, ConsumedCapacity).estimated).toBe(true);
    expect(reported).toBeLessThan(10);
  });

  it("sizes a single item's index entry as DynamoDB Local reports it, whatever the projection", async () => {
    // Prepare: an entry just over a kilobyte with everything projected, just under it with keys only.
    const item = { ...itemOf(1100), pad: '' };
    const schemaOf = (projection: 'ALL' | 'KEYS_ONLY') =>
      new Map([[indexed, { keys: ['pk'], indexes: [{ name: 'bySeq', keys: ['seq'], projection }] }]]);
    const input = {
      TransactItems: [
        { Put: { TableName: indexed, Item: item } },
        { Put: { TableName: indexed, Item: itemOf(100) } },
      ],
      ReturnConsumedCapacity: 'INDEXES' as const,
    };
    // Act
    const { ConsumedCapacity = [] } = await documents.send(new TransactWriteCommand(input));
    const all = transactionWriteUnits(input, false, ConsumedCapacity, schemaOf('ALL'));
    const keysOnly = transactionWriteUnits(input, false, ConsumedCapacity, schemaOf('KEYS_ONLY'));
    // Assess: the table 2 × (2 + 1); the index 2 × (2 + 1) with everything, 2 × (1 + 1) with keys only.
    expect(ConsumedCapacity[0]?.GlobalSecondaryIndexes?.bySeq?.CapacityUnits).toBe(6);
    expect(all).toEqual({ units: 12, infrequentAccessUnits: 0, estimated: false });
    expect(keysOnly).toEqual({ units: 10, infrequentAccessUnits: 0, estimated: false });
  });
});
