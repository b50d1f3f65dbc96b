/** What the functions use of `@aws-sdk/s3-request-presigner`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/s3-request-presigner';
import { requireSdk } from './load.ts';

const sdk = requireSdk('@aws-sdk/s3-request-presigner') as typeof Sdk;

export const getSignedUrl = sdk.getSignedUrl;
