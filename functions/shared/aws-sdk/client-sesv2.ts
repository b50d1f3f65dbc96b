/**
 * What the functions use of `@aws-sdk/client-sesv2`, loaded by `require` (./load.ts says why) on
 * first use: e-mail is one channel of the notices and the codes, and most invocations send none.
 */
import type * as Sdk from '@aws-sdk/client-sesv2';
import { lazySdk } from './load.ts';

/** The package, required on the first call. */
export const sesSdk = lazySdk<Pick<typeof Sdk, 'SESv2Client' | 'SendEmailCommand'>>('@aws-sdk/client-sesv2', [
  'SESv2Client',
  'SendEmailCommand',
]);

export type SESv2Client = Sdk.SESv2Client;
