/**
 * What the functions use of `@aws-sdk/client-secrets-manager`, loaded by `require` (./load.ts says
 * why). The bundles also alias the package to this module (infra/constructs/bundling.ts,
 * `sdkAliases`): Powertools Parameters' ESM build imports `GetSecretValueCommand`,
 * `ResourceNotFoundException` and `SecretsManagerClient` from it to read secrets (`getSecret`,
 * functions/adapters/secret-keys.ts), and gets them from here, by `require`, too.
 */
import type * as Sdk from '@aws-sdk/client-secrets-manager';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-secrets-manager', [
  'GetSecretValueCommand',
  'ResourceNotFoundException',
  'SecretsManagerClient',
]);

export const GetSecretValueCommand = sdk.GetSecretValueCommand;
export type GetSecretValueCommand = Sdk.GetSecretValueCommand;
export const ResourceNotFoundException = sdk.ResourceNotFoundException;
export type ResourceNotFoundException = Sdk.ResourceNotFoundException;
export const SecretsManagerClient = sdk.SecretsManagerClient;
export type SecretsManagerClient = Sdk.SecretsManagerClient;
