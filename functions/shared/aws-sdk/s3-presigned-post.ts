/**
 * What the functions use of `@aws-sdk/s3-presigned-post`, loaded by `require` (./load.ts says why)
 * on first use: the attachments' bucket adapter holds it for `attachment.create` alone, and the
 * other functions that bundle the adapter (`attachment.url`, the scan's check) never presign a POST.
 */
import type * as Sdk from '@aws-sdk/s3-presigned-post';
import { lazySdk } from './load.ts';

/** The package, required on the first call. */
export const presignedPostSdk = lazySdk<Pick<typeof Sdk, 'createPresignedPost'>>(
  '@aws-sdk/s3-presigned-post',
  ['createPresignedPost'],
);
