/** What the functions use of `@aws-sdk/client-apigatewaymanagementapi`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-apigatewaymanagementapi';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-apigatewaymanagementapi', [
  'ApiGatewayManagementApiClient',
  'DeleteConnectionCommand',
  'GoneException',
  'PostToConnectionCommand',
]);

export const ApiGatewayManagementApiClient = sdk.ApiGatewayManagementApiClient;
export type ApiGatewayManagementApiClient = Sdk.ApiGatewayManagementApiClient;
export const DeleteConnectionCommand = sdk.DeleteConnectionCommand;
export type DeleteConnectionCommand = Sdk.DeleteConnectionCommand;
export const GoneException = sdk.GoneException;
export type GoneException = Sdk.GoneException;
export const PostToConnectionCommand = sdk.PostToConnectionCommand;
export type PostToConnectionCommand = Sdk.PostToConnectionCommand;
