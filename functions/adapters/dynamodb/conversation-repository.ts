/** Conversations in ConversationsTable (key `conversationId`). */
import type { Conversation } from '#domain/conversations.ts';
import type { ConversationRepository } from '#domain/ports/conversations.ts';
import { isExpired } from '#domain/retention.ts';
import { GetCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './document-client.ts';
import { conversationItem } from './item-schemas.ts';

export class DynamoConversationRepository implements ConversationRepository {
  constructor(private readonly tableName: string) {}

  async get(conversationId: string): Promise<Conversation | undefined> {
    const { Item } = await documentClient.send(
      // Consistent: `lastSeq` read here is the expected value of the next append.
      new GetCommand({ TableName: this.tableName, Key: { conversationId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const conversation = conversationItem.parse(Item);
    return isExpired(conversation, new Date()) ? undefined : conversation;
  }
}
