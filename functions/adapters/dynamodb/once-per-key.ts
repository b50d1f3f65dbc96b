/**
 * Work done once per key, on IdempotencyTable. A conditional PutItem claims the key (`in_flight`,
 * with a lease and a claim id); the work runs; an UpdateItem marks it `done` with the work's result
 * (kept until `expiresAfterSeconds`, the item's TTL). Work that throws deletes the claim, if it is
 * still this run's. A claim whose lease lapsed is taken over by the next run. Keys carry ids and
 * keyed hashes only (functions/domain/idempotency.ts), never a phone, an address or a code.
 *
 * The lease is {@link NOTICE_LEASE_MS} (longer than a send may take: functions/adapters/notifier.ts
 * gives each send 5 s), and never past the end of the invocation that holds it.
 *
 * Written here rather than with Powertools Idempotency: its JMESPath alone took AuthRequestCode's
 * bundle over the 250 KB budget (test/infra/bundle-size.test.ts), for three DynamoDB calls.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import {
  type OnceOutcome,
  type OncePerKey,
  type OnceResult,
  WorkInProgressError,
} from '#domain/ports/once-per-key.ts';
import { epochSeconds } from '#domain/retention.ts';
import * as z from '#events/zod.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { DeleteCommand, PutCommand, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { unmarshall } from '#shared/aws-sdk/util-dynamodb.ts';
import { documentClient } from './document-client.ts';

/** How long a claim stands without being marked done: over the 5-s deadline of a send, with margin. */
export const NOTICE_LEASE_MS = 8000;

export interface DynamoOncePerKeyOptions {
  tableName: string;
  /** Names the kind of work in the stored key (`notice`, `code`): kinds never share a key. */
  keyPrefix: string;
  /** How long a done key is remembered (the item's TTL): as long as its trigger can come again. */
  expiresAfterSeconds: number;
  /** @default NOTICE_LEASE_MS */
  leaseMs?: number;
  /**
   * When another run holds the key: wait for its lease to lapse (when this invocation has the time)
   * and try once more, instead of failing at once. Stream consumers wait, so a crashed run's
   * notification goes out on the first retry rather than after the stream's retries ran out; a
   * WebSocket route does not (its client is waiting).
   * @default false
   */
  waitForLease?: boolean;
}

/** What a claim that failed its condition found: a done run (its result) or a live claim. */
const storedItem = z.union([
  z.object({ status: z.literal('done'), result: z.unknown() }),
  z.object({ status: z.literal('in_flight') }),
]);

export class DynamoOncePerKey {
  private readonly leaseMs: number;

  constructor(private readonly options: DynamoOncePerKeyOptions) {
    this.leaseMs = options.leaseMs ?? NOTICE_LEASE_MS;
  }

  /** The port for one invocation: its claims' leases end with it at the latest. */
  within(context: Pick<Context, 'getRemainingTimeInMillis'>): OncePerKey {
    return {
      run: async <T extends OnceResult>(
        key: string,
        work: () => Promise<T>,
        parse: (stored: unknown) => T,
      ): Promise<OnceOutcome<T>> => {
        const first = await this.attempt(`${this.options.keyPrefix}#${key}`, context, work, parse);
        if (first !== 'in_flight') return first;
        // The holder's lease ends within leaseMs of now; wait it out once if there is time left after.
        const waitForLease = this.options.waitForLease ?? false;
        if (!waitForLease || context.getRemainingTimeInMillis() < 2 * this.leaseMs)
          throw new WorkInProgressError();
        await new Promise((resolve) => setTimeout(resolve, this.leaseMs));
        const second = await this.attempt(`${this.options.keyPrefix}#${key}`, context, work, parse);
        if (second === 'in_flight') throw new WorkInProgressError();
        return second;
      },
    };
  }

  private async attempt<T extends OnceResult>(
    key: string,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
    work: () => Promise<T>,
    parse: (stored: unknown) => T,
  ): Promise<OnceOutcome<T> | 'in_flight'> {
    const claimId = randomUUID();
    const now = new Date();
    const found = await this.claim(
      key,
      claimId,
      now,
      Math.min(this.leaseMs, context.getRemainingTimeInMillis()),
    );
    if (found?.status === 'done') return { result: parse(found.result), repeated: true };
    if (found?.status === 'in_flight') return 'in_flight';
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await this.release(key, claimId);
      throw error;
    }
    await documentClient.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { key },
        UpdateExpression: 'SET #status = :done, #result = :result REMOVE leaseUntil, claimId',
        ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
        ExpressionAttributeValues: { ':done': 'done', ':result': result },
      }),
    );
    return { result, repeated: false };
  }

  /** Undefined when this run holds the key now; else what holds it. */
  private async claim(
    key: string,
    claimId: string,
    now: Date,
    leaseMs: number,
  ): Promise<z.infer<typeof storedItem> | undefined> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            key,
            status: 'in_flight',
            claimId,
            leaseUntil: now.getTime() + leaseMs,
            expiresAt: epochSeconds(now) + this.options.expiresAfterSeconds,
          },
          // Free: never claimed, expired (TTL deletes late), or claimed by a run whose lease lapsed.
          ConditionExpression:
            'attribute_not_exists(#key) OR expiresAt < :nowSeconds OR (#status = :inFlight AND leaseUntil < :nowMs)',
          ExpressionAttributeNames: { '#key': 'key', '#status': 'status' },
          ExpressionAttributeValues: {
            ':nowSeconds': epochSeconds(now),
            ':nowMs': now.getTime(),
            ':inFlight': 'in_flight',
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
      return storedItem.parse(unmarshall(error.Item));
    }
  }

  /** Frees the key for a retry, unless the lease lapsed and another run took it meanwhile. */
  private async release(key: string, claimId: string): Promise<void> {
    try {
      await documentClient.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { key },
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeValues: { ':claimId': claimId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
