/**
 * What the functions use of `@aws-sdk/client-sns`, loaded by `require` (./load.ts says why) on
 * first use: SMS and push are channels of the notices and the codes that most invocations of the
 * functions holding them never take (a relayed message whose citizen is online, a code sent by
 * e-mail).
 */
import type * as Sdk from '@aws-sdk/client-sns';
import { lazySdk } from './load.ts';

/** The package, required on the first call. */
export const snsSdk = lazySdk<
  Pick<
    typeof Sdk,
    | 'CreatePlatformEndpointCommand'
    | 'DeleteEndpointCommand'
    | 'InvalidParameterException'
    | 'PublishCommand'
    | 'SNSClient'
    | 'SetEndpointAttributesCommand'
  >
>('@aws-sdk/client-sns', [
  'CreatePlatformEndpointCommand',
  'DeleteEndpointCommand',
  'InvalidParameterException',
  'PublishCommand',
  'SNSClient',
  'SetEndpointAttributesCommand',
]);

export type SNSClient = Sdk.SNSClient;
