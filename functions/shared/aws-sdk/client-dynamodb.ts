/** What the functions use of `@aws-sdk/client-dynamodb`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-dynamodb';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-dynamodb', [
  'ConditionalCheckFailedException',
  'DynamoDBClient',
  'TransactionCanceledException',
  'TransactionConflictException',
]);

export const ConditionalCheckFailedException = sdk.ConditionalCheckFailedException;
export type ConditionalCheckFailedException = Sdk.ConditionalCheckFailedException;
export const DynamoDBClient = sdk.DynamoDBClient;
export type DynamoDBClient = Sdk.DynamoDBClient;
export const TransactionCanceledException = sdk.TransactionCanceledException;
export type TransactionCanceledException = Sdk.TransactionCanceledException;
export const TransactionConflictException = sdk.TransactionConflictException;
export type TransactionConflictException = Sdk.TransactionConflictException;
