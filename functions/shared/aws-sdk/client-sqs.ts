/** What the functions use of `@aws-sdk/client-sqs`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-sqs';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-sqs', [
  'ChangeMessageVisibilityCommand',
  'DeleteMessageCommand',
  'ReceiveMessageCommand',
  'SQSClient',
  'SendMessageCommand',
]);

export const ChangeMessageVisibilityCommand = sdk.ChangeMessageVisibilityCommand;
export type ChangeMessageVisibilityCommand = Sdk.ChangeMessageVisibilityCommand;
export const DeleteMessageCommand = sdk.DeleteMessageCommand;
export type DeleteMessageCommand = Sdk.DeleteMessageCommand;
export const ReceiveMessageCommand = sdk.ReceiveMessageCommand;
export type ReceiveMessageCommand = Sdk.ReceiveMessageCommand;
export const SQSClient = sdk.SQSClient;
export type SQSClient = Sdk.SQSClient;
export const SendMessageCommand = sdk.SendMessageCommand;
export type SendMessageCommand = Sdk.SendMessageCommand;
