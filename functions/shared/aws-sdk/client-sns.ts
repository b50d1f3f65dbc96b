/** What the functions use of `@aws-sdk/client-sns`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-sns';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-sns', [
  'CreatePlatformEndpointCommand',
  'DeleteEndpointCommand',
  'EndpointDisabledException',
  'InvalidParameterException',
  'NotFoundException',
  'PublishCommand',
  'SNSClient',
  'SetEndpointAttributesCommand',
]);

export const CreatePlatformEndpointCommand = sdk.CreatePlatformEndpointCommand;
export type CreatePlatformEndpointCommand = Sdk.CreatePlatformEndpointCommand;
export const DeleteEndpointCommand = sdk.DeleteEndpointCommand;
export type DeleteEndpointCommand = Sdk.DeleteEndpointCommand;
export const EndpointDisabledException = sdk.EndpointDisabledException;
export type EndpointDisabledException = Sdk.EndpointDisabledException;
export const InvalidParameterException = sdk.InvalidParameterException;
export type InvalidParameterException = Sdk.InvalidParameterException;
export const NotFoundException = sdk.NotFoundException;
export type NotFoundException = Sdk.NotFoundException;
export const PublishCommand = sdk.PublishCommand;
export type PublishCommand = Sdk.PublishCommand;
export const SNSClient = sdk.SNSClient;
export type SNSClient = Sdk.SNSClient;
export const SetEndpointAttributesCommand = sdk.SetEndpointAttributesCommand;
export type SetEndpointAttributesCommand = Sdk.SetEndpointAttributesCommand;
