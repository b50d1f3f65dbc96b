/**
 * What the functions use of `@aws-sdk/s3-request-presigner`, loaded by `require` (./load.ts says
 * why) on first use: the attachments' bucket adapter holds it for the download links alone
 * (`attachment.url`, `transcript.get`), and `attachment.create` and the scan's check never presign a GET.
 */
import type * as Sdk from '@aws-sdk/s3-request-presigner';
import { lazySdk } from './load.ts';

/** The package, required on the first call. */
export const requestPresignerSdk = lazySdk<Pick<typeof Sdk, 'getSignedUrl'>>(
  '@aws-sdk/s3-request-presigner',
  ['getSignedUrl'],
);
