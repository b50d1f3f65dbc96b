/**
 * The classification of transactions that did not commit, on the SDK's own exception classes as
 * DynamoDB (and DynamoDB Local) raise them: no client is involved.
 */
import {
  type CancellationReason,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { cancellationReasons, conditionFailedAt, isLostRace } from './transactions.ts';

const cancelled = (codes: (string | undefined)[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code): CancellationReason => (Code === undefined ? {} : { Code })),
  });

describe('cancelled DynamoDB transactions', () => {
  it('reads the reasons by item of a cancellation, and none of any other error', () => {
    // Prepare
    const error = cancelled(['None', 'ConditionalCheckFailed']);

    // Act
    const reasons = cancellationReasons(error);

    // Assess
    expect(reasons.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(cancellationReasons(new Error('boom'))).toEqual([]);
    expect(cancellationReasons(new TransactionConflictException({ message: 'x', $metadata: {} }))).toEqual(
      [],
    );
  });

  it('takes failed conditions, conflicts and untouched items for a lost race', () => {
    expect(isLostRace(cancelled(['None', 'ConditionalCheckFailed']))).toBe(true);
    expect(isLostRace(cancelled(['TransactionConflict', undefined]))).toBe(true);
    expect(isLostRace(new TransactionConflictException({ message: 'x', $metadata: {} }))).toBe(true);
  });

  it('does not take throttling, validation or any other error for a lost race', () => {
    expect(isLostRace(cancelled(['ConditionalCheckFailed', 'ThrottlingError']))).toBe(false);
    expect(isLostRace(cancelled(['ValidationError']))).toBe(false);
    expect(isLostRace(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }))).toBe(false);
    expect(isLostRace(new Error('boom'))).toBe(false);
  });

  it('tells which item failed its condition', () => {
    // Prepare
    const reasons = cancellationReasons(cancelled(['None', 'ConditionalCheckFailed']));

    // Assess
    expect(conditionFailedAt(reasons, 1)).toBe(true);
    expect(conditionFailedAt(reasons, 0)).toBe(false);
    expect(conditionFailedAt(reasons, 2)).toBe(false);
  });
});
