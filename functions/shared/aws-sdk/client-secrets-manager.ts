/** What the functions use of `@aws-sdk/client-secrets-manager`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-secrets-manager';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-secrets-manager', [
  'GetSecretValueCommand',
  'SecretsManagerClient',
]);

export const GetSecretValueCommand = sdk.GetSecretValueCommand;
export type GetSecretValueCommand = Sdk.GetSecretValueCommand;
export const SecretsManagerClient = sdk.SecretsManagerClient;
export type SecretsManagerClient = Sdk.SecretsManagerClient;
