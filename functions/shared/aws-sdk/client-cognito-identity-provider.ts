/** What the functions use of `@aws-sdk/client-cognito-identity-provider`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-cognito-identity-provider';
import { requireSdk } from './load.ts';

const sdk = requireSdk('@aws-sdk/client-cognito-identity-provider') as typeof Sdk;

export const AdminGetUserCommand = sdk.AdminGetUserCommand;
export type AdminGetUserCommand = Sdk.AdminGetUserCommand;
export const AdminListGroupsForUserCommand = sdk.AdminListGroupsForUserCommand;
export type AdminListGroupsForUserCommand = Sdk.AdminListGroupsForUserCommand;
export const CognitoIdentityProviderClient = sdk.CognitoIdentityProviderClient;
export type CognitoIdentityProviderClient = Sdk.CognitoIdentityProviderClient;
export const UserNotFoundException = sdk.UserNotFoundException;
export type UserNotFoundException = Sdk.UserNotFoundException;
