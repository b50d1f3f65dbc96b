/**
 * The reading of transactions that did not commit, on the SDK's own exception classes as DynamoDB
 * (and DynamoDB Local) raise them: no client is involved.
 */
import {
  type CancellationReason,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { conditionFailedAt, readCancellation } from './transactions.ts';

const cancelled = (codes: (string | undefined)[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code): CancellationReason => (Code === undefined ? {} : { Code })),
  });

describe('cancelled DynamoDB transactions', () => {
  it('reads failed conditions by item, whatever the other items say', () => {
    // Act
    const one = readCancellation(cancelled(['None', 'ConditionalCheckFailed']));
    const withThrottling = readCancellation(cancelled(['ConditionalCheckFailed', 'ThrottlingError']));

    // Assess
    expect(one).toEqual({ status: 'conditions_failed', failed: new Set([1]) });
    expect(withThrottling).toEqual({ status: 'conditions_failed', failed: new Set([0]) });
  });

  it('takes conflicts with concurrent transactions, and untouched items, for contention', () => {
    expect(readCancellation(cancelled(['TransactionConflict', undefined]))).toEqual({ status: 'contended' });
    expect(readCancellation(cancelled(['None', 'TransactionConflict']))).toEqual({ status: 'contended' });
    expect(readCancellation(new TransactionConflictException({ message: 'x', $metadata: {} }))).toEqual({
      status: 'contended',
    });
  });

  it('does not take throttling, validation, an empty cancellation or any other error for a cancellation', () => {
    expect(readCancellation(cancelled(['TransactionConflict', 'ThrottlingError']))).toBeUndefined();
    expect(readCancellation(cancelled(['ValidationError']))).toBeUndefined();
    expect(readCancellation(cancelled([]))).toBeUndefined();
    expect(
      readCancellation(new ConditionalCheckFailedException({ message: 'x', $metadata: {} })),
    ).toBeUndefined();
    expect(readCancellation(new Error('boom'))).toBeUndefined();
  });

  it('tells which item failed its condition', () => {
    // Prepare
    const cancellation = readCancellation(cancelled(['None', 'ConditionalCheckFailed']));

    // Assess
    expect(conditionFailedAt(cancellation, 1)).toBe(true);
    expect(conditionFailedAt(cancellation, 0)).toBe(false);
    expect(conditionFailedAt(cancellation, 2)).toBe(false);
    expect(conditionFailedAt(readCancellation(cancelled(['TransactionConflict'])), 0)).toBe(false);
    expect(conditionFailedAt(undefined, 0)).toBe(false);
  });
});
