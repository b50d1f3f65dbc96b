/**
 * The items the dispatch adapters share (`operator-repository.ts`, `assignment-store.ts`,
 * `waiting-line.ts`), read and mapped in one place: an operator and a conversation read
 * consistently (the assignment's conditions were decided on what is stored now), and a waiting
 * conversation as the `byQueueLine` index lists it.
 */
import type { Conversation } from '#domain/conversations.ts';
import type { Operator } from '#domain/operator-roster.ts';
import type { WaitingConversation } from '#domain/ports/assignment.ts';
import * as z from '#events/zod.ts';
import { GetCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './document-client.ts';
import { conversationItem } from './item-schemas.ts';
import { operatorItem } from './operator-items.ts';

/** The operator item of OperatorsTable, read consistently. */
export async function readOperator(
  operatorsTable: string,
  operatorId: string,
): Promise<Operator | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: operatorsTable, Key: { operatorId }, ConsistentRead: true }),
  );
  return Item ? operatorItem.parse(Item) : undefined;
}

/** The conversation item of ConversationsTable, read consistently. */
export async function readConversation(
  conversationsTable: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: conversationsTable, Key: { conversationId }, ConsistentRead: true }),
  );
  return Item ? conversationItem.parse(Item) : undefined;
}

/**
 * A `byQueueLine` item as the waiting line lists it: the index projects the keys, `sessionId`,
 * `ticketId` and `ticketNumber` only (infra/constructs/data.ts).
 */
const waitingItem = z.object({
  conversationId: z.string(),
  sessionId: z.string(),
  queuedAt: z.string(),
  ticketId: z.optional(z.string()),
  ticketNumber: z.optional(z.string()),
});

export function waitingConversation(item: Record<string, unknown>): WaitingConversation {
  const c = waitingItem.parse(item);
  return {
    conversationId: c.conversationId,
    sessionId: c.sessionId,
    queuedAt: c.queuedAt,
    ...(c.ticketId ? { ticketId: c.ticketId } : {}),
    ...(c.ticketNumber ? { ticketNumber: c.ticketNumber } : {}),
  };
}
