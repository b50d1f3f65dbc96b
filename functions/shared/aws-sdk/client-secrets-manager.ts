/** What the functions use of `@aws-sdk/client-secrets-manager`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-secrets-manager';
import { requireSdk } from './load.ts';

const sdk = requireSdk('@aws-sdk/client-secrets-manager') as typeof Sdk;

export const GetSecretValueCommand = sdk.GetSecretValueCommand;
export type GetSecretValueCommand = Sdk.GetSecretValueCommand;
export const SecretsManagerClient = sdk.SecretsManagerClient;
export type SecretsManagerClient = Sdk.SecretsManagerClient;
