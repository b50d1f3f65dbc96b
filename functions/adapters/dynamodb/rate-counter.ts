/**
 * The shared counters of per-client limits in LimitsTable (`functions/domain/client-limits.ts`):
 * one item per key and fixed window (`key` = `<key>#<window start>`), one `UpdateItem` per counting
 * that adds one to each scope's attribute on the condition that none has reached its limit. So
 * concurrent frames of one client (two instances, a flood) never count past a limit, and a refused
 * one counts nothing. Items expire by TTL once their window is over.
 */
import { type Counting, type CountOutcome, type RateCounter, windowOf } from '#domain/client-limits.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './document-client.ts';

/**
 * The conditional `UpdateItem` of one counting: on its own (`DynamoRateCounter`) or as an item of
 * another write's transaction (a message's: functions/adapters/dynamodb/conversation-log.ts).
 */
export function countingUpdate(tableName: string, counting: Counting, now: Date) {
  const { start } = windowOf(now, counting.windowSeconds);
  const names: Record<string, string> = {};
  const values: Record<string, number> = { ':one': 1, ':expiresAt': start + counting.windowSeconds + 60 };
  const conditions: string[] = [];
  counting.checks.forEach(({ attribute, max }, i) => {
    names[`#a${i}`] = attribute;
    values[`:max${i}`] = max;
    conditions.push(`(attribute_not_exists(#a${i}) OR #a${i} < :max${i})`);
  });
  return {
    TableName: tableName,
    Key: { key: `${counting.key}#${start}` },
    UpdateExpression: `ADD ${counting.checks.map((_, i) => `#a${i} :one`).join(', ')} SET expiresAt = :expiresAt`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export class DynamoRateCounter implements RateCounter {
  constructor(private readonly tableName: string) {}

  async count(counting: Counting, now: Date): Promise<CountOutcome> {
    const { secondsLeft } = windowOf(now, counting.windowSeconds);
    try {
      await documentClient.send(new UpdateCommand(countingUpdate(this.tableName, counting, now)));
      return { allowed: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return { allowed: false, retryAfter: secondsLeft };
      throw error;
    }
  }
}
