/**
 * The resume-token slots stored on a session item (`resumeTokens`: slot id → {expiresAt};
 * `resumeTokensVersion`: its write version), for the functions that issue or check resume tokens.
 * No token is stored; nothing here ever logs an item all the same.
 */
import type { ResumeTokenRepository } from '#domain/ports/sessions.ts';
import type { ResumableSession, ResumeTokenSlots } from '#domain/resume-tokens.ts';
import * as z from '#events/zod.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { DynamoSessionRepository } from './session-repository.ts';

/** The resume-token slots of a session item (slot id → expiry; a stored `hash` of the old format is ignored). */
export const resumeTokensItem = z.object({
  resumeTokens: z._default(z.record(z.string(), z.object({ expiresAt: z.int() })), {}),
  resumeTokensVersion: z._default(z.int().check(z.gte(0)), 0),
});

export class DynamoResumableSessions extends DynamoSessionRepository implements ResumeTokenRepository {
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
}
