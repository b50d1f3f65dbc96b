/** What the functions use of `@aws-sdk/util-dynamodb`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/util-dynamodb';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/util-dynamodb', ['unmarshall']);

export const unmarshall = sdk.unmarshall;
