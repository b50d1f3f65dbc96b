/**
 * For tests that need DynamoDB Local and the SQS emulator (`*.int.test.ts`): the global setup
 * (test/global-setup.ts) starts the local stack and exports the functions' environment, and so
 * the table names it created from the synthesized template.
 */
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
  };
}
