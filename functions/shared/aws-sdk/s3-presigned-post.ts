/** What the functions use of `@aws-sdk/s3-presigned-post`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/s3-presigned-post';
import { requireSdk } from './load.ts';

const sdk = requireSdk('@aws-sdk/s3-presigned-post') as typeof Sdk;

export const createPresignedPost = sdk.createPresignedPost;
