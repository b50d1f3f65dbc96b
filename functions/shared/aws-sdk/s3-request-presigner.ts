/** What the functions use of `@aws-sdk/s3-request-presigner`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/s3-request-presigner';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/s3-request-presigner', ['getSignedUrl']);

export const getSignedUrl = sdk.getSignedUrl;
