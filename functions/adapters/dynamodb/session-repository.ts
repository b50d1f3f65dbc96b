/** Sessions in SessionsTable (key `sessionId`). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRepository } from '#domain/ports.ts';
import { isExpired } from '#domain/retention.ts';
import type { Session } from '#domain/sessions.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { sessionItem } from './item-schemas.ts';

export class DynamoSessionRepository implements SessionRepository {
  constructor(private readonly tableName: string) {}

  async createIfAbsent(session: Session): Promise<void> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: session,
          // An expired session is an absent one: it may be replaced.
          ConditionExpression: 'attribute_not_exists(sessionId) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds() },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  async get(sessionId: string): Promise<Session | undefined> {
    const { Item } = await documentClient.send(
      // Consistent: the open conversation id decides where the next message goes.
      new GetCommand({ TableName: this.tableName, Key: { sessionId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const session = sessionItem.parse(Item);
    return isExpired(session, new Date()) ? undefined : session;
  }
}
