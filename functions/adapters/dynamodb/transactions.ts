/**
 * How a TransactWriteItems that did not commit is read, once for every adapter. DynamoDB cancels a
 * transaction with `TransactionCanceledException` and one `CancellationReasons` entry per item, in
 * the order of `TransactItems` (`None` for an item that was fine); a transaction that collides with
 * another one still in flight can also fail as a whole with `TransactionConflictException`.
 *
 * Nothing of a cancelled transaction is written. It is read as one of:
 * - `conditions_failed`: the condition of at least one item failed (`failed`: their indexes). That is
 *   definitive whatever the other items say: as it stands the transaction can never commit.
 * - `contended`: no condition failed, and every item was fine or met a concurrent transaction: read
 *   again and decide again.
 * Anything else (throttling, validation, capacity, a cancellation naming no reason, any other error)
 * is a real error and is not read as a cancellation.
 */
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  TransactionCanceledException,
  TransactionConflictException,
} from '#shared/aws-sdk/client-dynamodb.ts';
import { TransactWriteCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './document-client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type Cancellation =
  | { status: 'contended' }
  | { status: 'conditions_failed'; failed: ReadonlySet<number> };

export type TransactionOutcome = { status: 'committed' } | Cancellation;

/** The item was fine, or a concurrent transaction held it. */
function isContendedReason(reason: CancellationReason): boolean {
  return reason.Code === undefined || reason.Code === 'None' || reason.Code === 'TransactionConflict';
}

/** The cancellation `error` is, or undefined when it is a real error (see the header). */
export function readCancellation(error: unknown): Cancellation | undefined {
  if (error instanceof TransactionConflictException) return { status: 'contended' };
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const failed = new Set<number>();
  reasons.forEach((reason, index) => {
    if (reason.Code === 'ConditionalCheckFailed') failed.add(index);
  });
  if (failed.size > 0) return { status: 'conditions_failed', failed };
  if (reasons.length > 0 && reasons.every(isContendedReason)) return { status: 'contended' };
  return undefined;
}

/** Whether the cancellation failed the condition of the item at `index` of `TransactItems`. */
export function conditionFailedAt(cancellation: Cancellation | undefined, index: number): boolean {
  return cancellation?.status === 'conditions_failed' && cancellation.failed.has(index);
}

/** Writes `items` in one transaction: committed, or how it was cancelled; a real error is thrown. */
export async function transactWrite(items: TransactItem[]): Promise<TransactionOutcome> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return { status: 'committed' };
  } catch (error) {
    const cancellation = readCancellation(error);
    if (cancellation === undefined) throw error;
    return cancellation;
  }
}
