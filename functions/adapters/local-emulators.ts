/**
 * For tests that need DynamoDB Local and the SQS emulator: whether the test run's global setup
 * (test/global-setup.ts) has started the local stack and exported the functions' environment, and
 * the table names it created from the synthesized template.
 */
export const emulatorsRunning = Boolean(process.env.AWS_ENDPOINT_URL_DYNAMODB && process.env.MESSAGES_TABLE);

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
