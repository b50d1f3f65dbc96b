/**
 * What a conversation keeps in DynamoDB, in the bytes DynamoDB bills for storage: each item's size
 * (attribute names and values, as the DynamoDB developer guide counts them), 100 bytes of overhead
 * per item, and the copy in every global secondary index that holds the item (what it projects).
 * Read from a local stack after a counted flow (test/support/flows.ts).
 */
import {
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndexDescription,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';

/** DynamoDB's per-item storage overhead (bytes), in the table and in each index. */
const ITEM_OVERHEAD = 100;

type Item = Record<string, unknown>;

/**
 * The size DynamoDB gives a value: strings in UTF-8, binary by its bytes, numbers by their digits,
 * containers 3 + their contents.
 */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'number')
    return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueBytes(v), 0);
  if (typeof value === 'object') return 3 + itemBytes(value as Item) + Object.keys(value).length;
  return 0;
}

/** An item's size: the sum of its attribute names and values. */
export function itemBytes(item: Item): number {
  return Object.entries(item).reduce(
    (n, [name, value]) => n + Buffer.byteLength(name, 'utf8') + valueBytes(value),
    0,
  );
}

export class StoredBytes {
  private readonly documents: DynamoDBDocumentClient;
  private readonly described = new Map<
    string,
    { keys: string[]; indexes: GlobalSecondaryIndexDescription[] }
  >();

  /**
   * `env`: the stack's function environment (endpoint, table names); `infrequentAccessTables`: the
   * names of its tables of the Infrequent Access class, whose bytes are counted apart as well.
   */
  constructor(
    private readonly env: Record<string, string>,
    private readonly infrequentAccessTables: ReadonlySet<string>,
  ) {
    this.documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
        region: env.AWS_REGION,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
        },
      }),
    );
  }

  /**
   * The bytes a conversation keeps: its messages, the conversation, its session and its ticket; and
   * of those, the bytes in tables of the Infrequent Access class.
   */
  async ofConversation(
    conversationId: string,
    sessionId: string,
    ticketId?: string,
  ): Promise<{ storedBytes: number; storedBytesInfrequentAccess: number }> {
    const messagesTable = this.table('MESSAGES_TABLE');
    const kept: [table: string, bytes: number][] = [];
    for await (const page of paginateQuery(
      { client: this.documents },
      {
        TableName: messagesTable,
        KeyConditionExpression: 'conversationId = :c',
        ExpressionAttributeValues: { ':c': conversationId },
      },
    )) {
      for (const item of page.Items ?? []) kept.push([messagesTable, await this.stored(messagesTable, item)]);
    }
    kept.push(await this.storedAt('CONVERSATIONS_TABLE', { conversationId }));
    kept.push(await this.storedAt('SESSIONS_TABLE', { sessionId }));
    if (ticketId) kept.push(await this.storedAt('TICKETS_TABLE', { ticketId }));
    const sum = (entries: [string, number][]) => entries.reduce((n, [, bytes]) => n + bytes, 0);
    return {
      storedBytes: sum(kept),
      storedBytesInfrequentAccess: sum(kept.filter(([table]) => this.infrequentAccessTables.has(table))),
    };
  }

  destroy(): void {
    this.documents.destroy();
  }

  private table(variable: string): string {
    const name = this.env[variable];
    if (!name) throw new Error(`${variable} is not in the stack's environment`);
    return name;
  }

  private async storedAt(variable: string, key: Item): Promise<[table: string, bytes: number]> {
    const table = this.table(variable);
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    return [table, Item ? await this.stored(table, Item) : 0];
  }

  /** The item in its table and in each index that holds it. */
  private async stored(table: string, item: Item): Promise<number> {
    let bytes = ITEM_OVERHEAD + itemBytes(item);
    const { keys: tableKeys, indexes } = await this.describe(table);
    for (const index of indexes) {
      const keys = [...tableKeys, ...(index.KeySchema ?? []).map((k) => k.AttributeName ?? '')];
      if (keys.some((k) => item[k] === undefined)) continue;
      const projection = index.Projection;
      const projected =
        projection?.ProjectionType === 'ALL'
          ? item
          : Object.fromEntries(
              Object.entries(item).filter(
                ([name]) => keys.includes(name) || (projection?.NonKeyAttributes ?? []).includes(name),
              ),
            );
      bytes += ITEM_OVERHEAD + itemBytes(projected);
    }
    return bytes;
  }

  private async describe(
    table: string,
  ): Promise<{ keys: string[]; indexes: GlobalSecondaryIndexDescription[] }> {
    const known = this.described.get(table);
    if (known) return known;
    const { Table } = await this.documents.send(new DescribeTableCommand({ TableName: table }));
    const described = {
      keys: (Table?.KeySchema ?? []).map((k) => k.AttributeName ?? ''),
      indexes: Table?.GlobalSecondaryIndexes ?? [],
    };
    this.described.set(table, described);
    return described;
  }
}
