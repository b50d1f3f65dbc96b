/** What the functions use of `@aws-sdk/util-dynamodb`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/util-dynamodb';
import { requireSdk } from './load.ts';

const sdk = requireSdk('@aws-sdk/util-dynamodb') as typeof Sdk;

export const unmarshall = sdk.unmarshall;
