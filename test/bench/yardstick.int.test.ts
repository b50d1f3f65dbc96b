/**
 * The benchmark's yardstick (test/bench/yardstick.ts) against the real DynamoDB Local of the
 * integration run: it measures puts, and leaves no table behind.
 */
import { DynamoDBClient, paginateListTables } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/emulators.ts';
import { measureYardstick } from './yardstick.ts';

const region = process.env.AWS_REGION ?? 'eu-central-1';
const endpoint = String(process.env.AWS_ENDPOINT_URL_DYNAMODB);

describe('the yardstick of npm run bench', () => {
  it('counts raw puts of its writers on DynamoDB Local, and deletes its table', async () => {
    // Act
    const yardstick = await measureYardstick(endpoint, { writers: 3, seconds: 0.5, region });

    // Assess
    expect(yardstick.writers).toBe(3);
    expect(yardstick.putsPerSecond).toBeGreaterThan(10);
    expect(yardstick.p50Ms).toBeGreaterThan(0);
    expect(yardstick.p99Ms).toBeGreaterThanOrEqual(yardstick.p50Ms);
    const client = new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS });
    const left: string[] = [];
    for await (const page of paginateListTables({ client }, {}))
      left.push(...(page.TableNames ?? []).filter((name) => name.startsWith(`yardstick-${process.pid}-`)));
    expect(left).toEqual([]);
  });
});
