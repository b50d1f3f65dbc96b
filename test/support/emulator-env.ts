/**
 * For tests that need DynamoDB Local and the SQS emulator (`*.int.test.ts`): the global setup
 * (test/global-setup.ts) starts the local stack and exports the functions' environment, and so
 * the table names it created from the synthesized template.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export function tableNames() {
  const read = (variable: string): string => {
    const value = process.env[variable];
    if (!value) throw new Error(`${variable} is not set: the global setup did not run`);
    return value;
  };
  return {
    connectionsTable: read('CONNECTIONS_TABLE'),
    sessionsTable: read('SESSIONS_TABLE'),
    conversationsTable: read('CONVERSATIONS_TABLE'),
    messagesTable: read('MESSAGES_TABLE'),
    idempotencyTable: read('IDEMPOTENCY_TABLE'),
    attachmentsTable: read('ATTACHMENTS_TABLE'),
  };
}

let withoutOutbox: Promise<ReturnType<typeof tableNames>> | undefined;

/**
 * The same tables, except a private copy of MessagesTable without its stream, for tests of one use
 * case with in-memory queues: on the stack's own MessagesTable, the running bot outbox would queue
 * the test's citizen messages and the running bot worker would answer them in between, taking seqs
 * the test counts as the citizen's. Created once per test file.
 */
export function tablesWithoutOutbox(): Promise<ReturnType<typeof tableNames>> {
  withoutOutbox ??= (async () => {
    const names = tableNames();
    const client = new DynamoDBClient({});
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names.messagesTable }));
      const messagesTable = `${names.messagesTable}-no-outbox-${randomUUID()}`;
      await client.send(
        new CreateTableCommand({
          TableName: messagesTable,
          KeySchema: Table?.KeySchema,
          AttributeDefinitions: Table?.AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      return { ...names, messagesTable };
    } finally {
      client.destroy();
    }
  })();
  return withoutOutbox;
}
