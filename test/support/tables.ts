/**
 * Direct reads of the local stack's tables, for tests that check what was (or was not) stored.
 * Uses the same table names and DynamoDB Local endpoint the functions use (from the global setup).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { withPlainBody } from '#adapters/dynamodb/message-body.ts';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function tableName(variable: string): string {
  const name = process.env[variable];
  if (!name) throw new Error(`${variable} is not set: is the global setup running?`);
  return name;
}

export async function connectionIdsOfSession(sessionId: string): Promise<string[]> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName('CONNECTIONS_TABLE'),
      IndexName: 'byPrincipal',
      KeyConditionExpression: 'principalId = :p',
      ExpressionAttributeValues: { ':p': sessionId },
    }),
  );
  return Items.map((item) => String(item.connectionId));
}

/**
 * Every stored message of a conversation, in seq order, read straight from the table; a body stored
 * compressed is read as its plain `text` and `suggestions` (functions/adapters/dynamodb/message-body.ts).
 */
export async function storedMessages(conversationId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName('MESSAGES_TABLE'),
        KeyConditionExpression: 'conversationId = :c',
        ExpressionAttributeValues: { ':c': conversationId },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []).map(withPlainBody));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Polls the item of `table` (an env variable naming it) under `key` until `match` holds. */
export async function itemWhen(
  table: 'CONVERSATIONS_TABLE' | 'OPERATORS_TABLE',
  key: Record<string, string>,
  match: (item: Record<string, unknown>) => boolean,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName(table), Key: key, ConsistentRead: true }),
    );
    if (Item && match(Item)) return Item;
    if (Date.now() > deadline) throw new Error(`${table} item never matched: ${JSON.stringify(Item)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
