/** What the functions use of `@aws-sdk/client-sqs`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-sqs';
import { requireSdk } from './load.ts';

const sdk = requireSdk('@aws-sdk/client-sqs') as typeof Sdk;

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
