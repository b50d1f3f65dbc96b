/**
 * A relay throttle on IdempotencyTable: one conditional put per claim. The item `key` holds
 * `relayUntil` (epoch milliseconds); a claim succeeds only if no item is there or its interval has
 * passed, so concurrent claims (two instances, a flood of frames) let exactly one relay through per
 * interval. Items expire by TTL a minute later.
 */
import type { RelayThrottle } from '#domain/ports/delivery.ts';
import { epochSeconds } from '#domain/retention.ts';
import { PutCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';

export class DynamoRelayThrottle implements RelayThrottle {
  constructor(private readonly tableName: string) {}

  async claim(key: string, intervalMs: number, now: Date): Promise<boolean> {
    const nowMs = now.getTime();
    return conditionally(() =>
      documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { key, relayUntil: nowMs + intervalMs, expiresAt: epochSeconds(now) + 60 },
          ConditionExpression: 'attribute_not_exists(#key) OR relayUntil <= :now',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      ),
    );
  }
}
