/**
 * What the operators' side took from the escalation queue, for tests of the handover. The
 * escalation consumer drains the queue, so a test no longer reads it: it waits until the
 * consumer has admitted the conversation (`dispatchedAttempt` and the ticket on the conversation
 * item) and returns the escalation the conversation carries — the very event the queue delivered.
 * A second escalation of the same attempt would open nothing new (the consumer is idempotent on
 * (conversationId, attempt)), so "one escalation" is "attempt 1 admitted, once".
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type EscalationEvent, escalationEventSchema } from '#events/escalation.ts';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function conversationsTable(): string {
  const name = process.env.CONVERSATIONS_TABLE;
  if (!name) throw new Error('CONVERSATIONS_TABLE is not set: is the global setup running?');
  return name;
}

/**
 * The escalations of `conversationId` the consumer admitted (one per attempt; the latest is on the
 * item). Polls until the consumer has taken it, or `timeoutMs` without (then none).
 */
export async function takeEscalations(
  conversationId: string,
  { timeoutMs = 8000 } = {},
): Promise<EscalationEvent[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: conversationsTable(), Key: { conversationId }, ConsistentRead: true }),
    );
    const attempt = Item?.dispatchedAttempt;
    if (typeof attempt === 'number' && Item?.ticketId) {
      const event = escalationEventSchema.parse((Item.escalation as { event?: unknown } | undefined)?.event);
      return event.attempt === attempt ? [event] : [];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}
