/** What the functions use of `@aws-sdk/s3-presigned-post`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/s3-presigned-post';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/s3-presigned-post', ['createPresignedPost']);

export const createPresignedPost = sdk.createPresignedPost;
