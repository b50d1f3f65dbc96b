/**
 * The ledger's follow-ups on ConversationsTable (docs/architecture.md, "The ledger"). A conversation
 * with follow-ups pending also carries `followUpsDue = 'due'`, the partition key of the sparse index
 * `byFollowUpKeys` (sort key `followUpsAt`): the reconciler reads the oldest pending ones from it, and
 * clearing removes the item from the index. Only conversations between a change and its follow-ups
 * (milliseconds, unless something crashed) are in it, so its one partition stays small.
 */
import type { Conversation } from '#domain/conversations.ts';
import type { FollowUpLedger } from '#domain/ports/ledger.ts';
import * as z from '#events/zod.ts';
import { QueryCommand, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';

export const BY_FOLLOW_UP_INDEX = 'byFollowUpKeys';
/** The one value of the index's partition key: present while follow-ups are pending. */
export const FOLLOW_UPS_DUE = 'due';

/** The SET clause and values that write `followUps` in a change's own update (the same transaction). */
export function followUpsWrite(
  followUps: NonNullable<Conversation['followUps']>,
  at: string,
): { set: string; values: Record<string, unknown> } {
  return {
    set: 'followUps = :followUps, followUpsAt = :followUpsAt, followUpsDue = :followUpsDue',
    values: { ':followUps': followUps, ':followUpsAt': at, ':followUpsDue': FOLLOW_UPS_DUE },
  };
}

export class DynamoFollowUpLedger implements FollowUpLedger {
  constructor(private readonly conversationsTable: string) {}

  async clear(conversationId: string, writtenAt: string): Promise<boolean> {
    return this.clearWith(conversationId, writtenAt);
  }

  async clearAnnouncement(conversationId: string, writtenAt: string, acceptDueAt: string): Promise<boolean> {
    return this.clearWith(conversationId, writtenAt, acceptDueAt);
  }

  private async clearWith(conversationId: string, writtenAt: string, acceptDueAt?: string): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.conversationsTable,
          Key: { conversationId },
          UpdateExpression: `${acceptDueAt === undefined ? '' : 'SET acceptDueAt = :due '}REMOVE followUps, followUpsAt, followUpsDue`,
          ConditionExpression: 'followUpsAt = :at',
          ExpressionAttributeValues: {
            ':at': writtenAt,
            ...(acceptDueAt === undefined ? {} : { ':due': acceptDueAt }),
          },
        }),
      ),
    );
  }

  async pending(before: string, limit: number): Promise<Pick<Conversation, 'conversationId'>[]> {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: this.conversationsTable,
        IndexName: BY_FOLLOW_UP_INDEX,
        KeyConditionExpression: 'followUpsDue = :due AND followUpsAt < :before',
        ExpressionAttributeValues: { ':due': FOLLOW_UPS_DUE, ':before': before },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return Items.map((item) => ({ conversationId: z.string().parse(item.conversationId) }));
  }
}
