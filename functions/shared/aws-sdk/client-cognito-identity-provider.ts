/**
 * What the functions use of `@aws-sdk/client-cognito-identity-provider`, loaded by `require`
 * (./load.ts says why) on first use, not at import: the routes that citizens and staff share
 * (`hello`, `history.get`, `ticket.*`, `typing`, `attachment.url`) hold the client for the staff
 * check alone (functions/adapters/cognito-staff-directory.ts), and a citizen's cold start would load
 * the package, about 18 ms after the DynamoDB client on the project's VM, for nothing. A staff
 * route's first frame loads it instead; a runtime SDK that lacks a name fails there, naming it.
 */
import type * as Sdk from '@aws-sdk/client-cognito-identity-provider';
import { lazySdk } from './load.ts';

type CognitoSdk = Pick<
  typeof Sdk,
  | 'AdminGetUserCommand'
  | 'AdminListGroupsForUserCommand'
  | 'CognitoIdentityProviderClient'
  | 'UserNotFoundException'
>;

/** The package, required on the first call. */
export const cognitoSdk = lazySdk<CognitoSdk>('@aws-sdk/client-cognito-identity-provider', [
  'AdminGetUserCommand',
  'AdminListGroupsForUserCommand',
  'CognitoIdentityProviderClient',
  'UserNotFoundException',
]);

export type CognitoIdentityProviderClient = Sdk.CognitoIdentityProviderClient;
