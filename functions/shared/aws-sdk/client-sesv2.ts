/** What the functions use of `@aws-sdk/client-sesv2`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-sesv2';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-sesv2', ['SESv2Client', 'SendEmailCommand']);

export const SESv2Client = sdk.SESv2Client;
export type SESv2Client = Sdk.SESv2Client;
export const SendEmailCommand = sdk.SendEmailCommand;
export type SendEmailCommand = Sdk.SendEmailCommand;
