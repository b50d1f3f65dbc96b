/** What the functions use of `@aws-sdk/lib-dynamodb`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/lib-dynamodb';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/lib-dynamodb', [
  'BatchGetCommand',
  'BatchWriteCommand',
  'DeleteCommand',
  'DynamoDBDocumentClient',
  'GetCommand',
  'PutCommand',
  'QueryCommand',
  'TransactWriteCommand',
  'UpdateCommand',
  'paginateQuery',
  'paginateScan',
]);

export const BatchGetCommand = sdk.BatchGetCommand;
export type BatchGetCommand = Sdk.BatchGetCommand;
export const BatchWriteCommand = sdk.BatchWriteCommand;
export type BatchWriteCommand = Sdk.BatchWriteCommand;
export const DeleteCommand = sdk.DeleteCommand;
export type DeleteCommand = Sdk.DeleteCommand;
export const DynamoDBDocumentClient = sdk.DynamoDBDocumentClient;
export type DynamoDBDocumentClient = Sdk.DynamoDBDocumentClient;
export const GetCommand = sdk.GetCommand;
export type GetCommand = Sdk.GetCommand;
export const PutCommand = sdk.PutCommand;
export type PutCommand = Sdk.PutCommand;
export const QueryCommand = sdk.QueryCommand;
export type QueryCommand = Sdk.QueryCommand;
export const TransactWriteCommand = sdk.TransactWriteCommand;
export type TransactWriteCommand = Sdk.TransactWriteCommand;
export const UpdateCommand = sdk.UpdateCommand;
export type UpdateCommand = Sdk.UpdateCommand;
export const paginateQuery = sdk.paginateQuery;
export const paginateScan = sdk.paginateScan;
