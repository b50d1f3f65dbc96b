/**
 * How a TransactWriteItems that did not commit is read, once for every adapter. DynamoDB cancels a
 * transaction with `TransactionCanceledException` and one `CancellationReasons` entry per item, in
 * the order of `TransactItems` (`None` for an item that was fine); a transaction that collides with
 * another one still in flight can also fail as a whole with `TransactionConflictException`.
 */
import {
  type CancellationReason,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';

/** The reasons by item of a cancelled transaction; none for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] {
  return error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
}

/** The item was fine, its condition failed, or a concurrent transaction held it: a writer came first. */
export function isLostRaceReason(reason: CancellationReason): boolean {
  return (
    reason.Code === undefined ||
    reason.Code === 'None' ||
    reason.Code === 'ConditionalCheckFailed' ||
    reason.Code === 'TransactionConflict'
  );
}

/**
 * Another writer came first: a conflict with a concurrent transaction, or a cancellation whose every
 * reason is a lost race (a failed condition, a conflict, or nothing wrong with that item). Nothing
 * was written, so the caller reads again and decides again. Throttling, validation or capacity
 * reasons are real errors.
 */
export function isLostRace(error: unknown): boolean {
  if (error instanceof TransactionConflictException) return true;
  return error instanceof TransactionCanceledException && cancellationReasons(error).every(isLostRaceReason);
}

/** Whether the item at `index` of the cancelled transaction failed its condition. */
export function conditionFailedAt(reasons: CancellationReason[], index: number): boolean {
  return reasons[index]?.Code === 'ConditionalCheckFailed';
}
