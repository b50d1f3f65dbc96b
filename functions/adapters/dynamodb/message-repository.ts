/** Messages in MessagesTable (key `conversationId` + `seq`), read in `seq` order. */
import type { QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { StoredMessage } from '#domain/messages.ts';
import type { MessagePage, MessageRepository } from '#domain/ports/conversations.ts';
import { isExpired } from '#domain/retention.ts';
import { GetCommand, QueryCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { fromMessageItem } from './message-body.ts';

export class DynamoMessageRepository implements MessageRepository {
  constructor(private readonly tableName: string) {}

  async get(conversationId: string, seq: number): Promise<StoredMessage | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: { conversationId, seq }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const message = fromMessageItem(Item);
    return isExpired(message, new Date()) ? undefined : message;
  }

  /**
   * Reads one message more than asked to learn whether more follow. Expired messages are filtered
   * on the server; as the filter applies after `Limit`, pages are read until enough live ones came.
   */
  async listAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessagePage> {
    const wanted = limit + 1;
    const messages: StoredMessage[] = [];
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'conversationId = :conversationId AND seq > :afterSeq',
          FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt >= :now',
          ExpressionAttributeValues: {
            ':conversationId': conversationId,
            ':afterSeq': afterSeq,
            ':now': nowSeconds(),
          },
          Limit: wanted - messages.length,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) messages.push(fromMessageItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && messages.length < wanted);
    return { messages: messages.slice(0, limit), hasMore: messages.length > limit };
  }
}
