/**
 * Sessions in SessionsTable (key `sessionId`), and the resume-token slots stored on them
 * (`resumeTokens`: slot id → {expiresAt}; `resumeTokensVersion`: its write version). No token is
 * stored; nothing here ever logs an item all the same.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { ResumeTokenRepository, SessionRepository } from '#domain/ports/sessions.ts';
import type { ResumableSession, ResumeTokenSlots } from '#domain/resume-tokens.ts';
import { isExpired } from '#domain/retention.ts';
import type { Session } from '#domain/sessions.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { sessionItem } from './item-schemas.ts';

/** The resume-token slots of a session item (slot id → expiry; a stored `hash` of the old format is ignored). */
export const resumeTokensItem = z.object({
  resumeTokens: z.record(z.string(), z.object({ expiresAt: z.number().int() })).default({}),
  resumeTokensVersion: z.number().int().min(0).default(0),
});

export class DynamoSessionRepository implements SessionRepository, ResumeTokenRepository {
  constructor(private readonly tableName: string) {}

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

  async getResumable(sessionId: string): Promise<ResumableSession | undefined> {
    const read = await this.read(sessionId);
    if (!read) return undefined;
    const { resumeTokens, resumeTokensVersion } = resumeTokensItem.parse(read.item);
    return { session: read.session, slots: resumeTokens, version: resumeTokensVersion };
  }

  async replaceSlots(
    sessionId: string,
    slots: ResumeTokenSlots,
    expectedVersion: number,
  ): Promise<'replaced' | 'conflict'> {
    // The whole map is replaced under a version check rather than edited key by key, so the cap on
    // slots holds exactly even when two tabs say hello at once (the loser reads again).
    const versionMatches =
      expectedVersion === 0 ? 'attribute_not_exists(resumeTokensVersion)' : 'resumeTokensVersion = :expected';
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { sessionId },
          UpdateExpression: 'SET resumeTokens = :slots, resumeTokensVersion = :next',
          // An ended session (`session.end`) is never given a token again.
          ConditionExpression: `attribute_exists(sessionId) AND expiresAt >= :now AND attribute_not_exists(endedAt) AND ${versionMatches}`,
          ExpressionAttributeValues: {
            ':slots': slots,
            ':next': expectedVersion + 1,
            ':now': nowSeconds(),
            ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
          },
        }),
      );
      return 'replaced';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
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

  private async read(sessionId: string): Promise<{ session: Session; item: unknown } | undefined> {
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
