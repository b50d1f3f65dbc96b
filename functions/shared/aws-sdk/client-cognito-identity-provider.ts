/** What the functions use of `@aws-sdk/client-cognito-identity-provider`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-cognito-identity-provider';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-cognito-identity-provider', [
  'AdminGetUserCommand',
  'AdminListGroupsForUserCommand',
  'CognitoIdentityProviderClient',
  'UserNotFoundException',
]);

export const AdminGetUserCommand = sdk.AdminGetUserCommand;
export type AdminGetUserCommand = Sdk.AdminGetUserCommand;
export const AdminListGroupsForUserCommand = sdk.AdminListGroupsForUserCommand;
export type AdminListGroupsForUserCommand = Sdk.AdminListGroupsForUserCommand;
export const CognitoIdentityProviderClient = sdk.CognitoIdentityProviderClient;
export type CognitoIdentityProviderClient = Sdk.CognitoIdentityProviderClient;
export const UserNotFoundException = sdk.UserNotFoundException;
export type UserNotFoundException = Sdk.UserNotFoundException;
