/**
 * The line tick's claims on IdempotencyTable (key `key`), one conditional write each:
 * `line-tick#<periodStart>` is put once by whoever schedules that period's tick
 * (`attribute_not_exists`) and stamped `ranAt` once by whoever runs it; `line-tick#told` holds what
 * the last tick told, replaced only by a later period's. Items expire by TTL (an hour; the last told
 * a day after its tick), so nothing accumulates.
 */
import type { LineTicks, LineTold } from '#domain/ports/line-ticks.ts';
import { epochSeconds } from '#domain/retention.ts';
import * as z from '#events/zod.ts';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';

const TICK_TTL_SECONDS = 60 * 60;
const TOLD_TTL_SECONDS = 24 * 60 * 60;
const TOLD_KEY = 'line-tick#told';

const tickKey = (periodStart: string) => `line-tick#${periodStart}`;

const toldItem: z.ZodMiniType<LineTold> = z.object({
  periodStart: z.string(),
  stats: z.string(),
  places: z.record(z.string(), z.string()),
});

export class DynamoLineTicks implements LineTicks {
  constructor(private readonly tableName: string) {}

  claimSchedule(periodStart: string, now: Date): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            key: tickKey(periodStart),
            scheduledAt: now.toISOString(),
            expiresAt: epochSeconds(now) + TICK_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        }),
      ),
    );
  }

  async releaseSchedule(periodStart: string): Promise<void> {
    await documentClient.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { key: tickKey(periodStart) },
        ConditionExpression: 'attribute_not_exists(ranAt)',
      }),
    );
  }

  claimRun(periodStart: string, now: Date): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { key: tickKey(periodStart) },
          UpdateExpression: 'SET ranAt = :now, expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(ranAt)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':expiresAt': epochSeconds(now) + TICK_TTL_SECONDS,
          },
        }),
      ),
    );
  }

  async lastTold(): Promise<LineTold | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: { key: TOLD_KEY }, ConsistentRead: true }),
    );
    return Item ? toldItem.parse(Item) : undefined;
  }

  async saveTold(told: LineTold, now: Date): Promise<void> {
    // A later period's tick that saved first keeps its record: it told what is newer.
    await conditionally(() =>
      documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { key: TOLD_KEY, ...told, expiresAt: epochSeconds(now) + TOLD_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(#key) OR periodStart < :period',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':period': told.periodStart },
        }),
      ),
    );
  }
}
