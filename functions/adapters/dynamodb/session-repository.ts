/**
 * Sessions in SessionsTable (key `sessionId`). The resume-token slots stored on them are read and
 * written by `DynamoResumableSessions` (resumable-sessions.ts), which only the functions that issue
 * or check tokens bundle. Nothing here ever logs an item.
 */
import type { SessionEnder, SessionRepository } from '#domain/ports/sessions.ts';
import { isExpired } from '#domain/retention.ts';
import type { Session } from '#domain/sessions.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { GetCommand, PutCommand, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { sessionItem } from './item-schemas.ts';

export class DynamoSessionRepository implements SessionRepository, SessionEnder {
  constructor(protected readonly tableName: string) {}

  async createIfAbsent(session: Session): Promise<void> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: session,
          // An expired session is an absent one: it may be replaced (and its resume tokens with it).
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
    return (await this.read(sessionId))?.session;
  }

  async end(sessionId: string, now: Date): Promise<Session | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { sessionId },
          // Every slot goes (no token resumes it); the version moves, so a hello that read the slots
          // before cannot write them back. Ending twice keeps the first time.
          UpdateExpression:
            'SET endedAt = if_not_exists(endedAt, :now), resumeTokens = :none ADD resumeTokensVersion :one',
          ConditionExpression: 'attribute_exists(sessionId)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':none': {}, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return sessionItem.parse(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  protected async read(sessionId: string): Promise<{ session: Session; item: unknown } | undefined> {
    const { Item } = await documentClient.send(
      // Consistent: the open conversation id decides where the next message goes, and a token
      // issued a moment ago (or revoked) must be seen by the next upgrade.
      new GetCommand({ TableName: this.tableName, Key: { sessionId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const session = sessionItem.parse(Item);
    return isExpired(session, new Date()) ? undefined : { session, item: Item };
  }
}
