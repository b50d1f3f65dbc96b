/**
 * SNS mobile push endpoints: a device token becomes a platform endpoint of the FCM or APNs platform
 * application (`CreatePlatformEndpoint`). SNS answers the existing endpoint for a token it knows;
 * when that endpoint's attributes differ (SNS disabled it after a delivery failure, or its token was
 * refreshed) it refuses with "already exists with the same Token, but different attributes", and the
 * endpoint named in that error is enabled again with the token (the documented pattern).
 *
 * The local stack has no SNS platform applications (no emulator has them): with `LOCAL_OUTBOX_URL`
 * set, endpoints are local ARNs derived from the token's hash, and pushes to them land in the local
 * outbox (functions/adapters/notifier.ts). The token is never logged.
 */
import { createHash } from 'node:crypto';
import { badRequest } from '#domain/errors.ts';
import type {
  OutOfBandNotifier,
  PushEndpointRegistry,
  PushNotice,
  PushSender,
} from '#domain/ports/out-of-band.ts';
import type { PushPlatform } from '#events/desk-frames.ts';
import { type SNSClient, snsSdk } from '#shared/aws-sdk/client-sns.ts';
import { logger } from '#shared/observability.ts';
import { OutOfBandDeliveryError } from './notifier.ts';

const EXISTING_ENDPOINT = /Endpoint (arn:[^\s]+) already exists with the same [Tt]oken/;

export interface PushApplications {
  fcm?: string;
  apns?: string;
}

export class SnsPushEndpointRegistry implements PushEndpointRegistry {
  #sns: SNSClient | undefined;

  /**
   * One per Lambda (module scope). Without `sns`, the client (its endpoint from the environment)
   * and the SDK package are made at the first call.
   */
  constructor(
    private readonly applications: PushApplications,
    sns?: SNSClient,
  ) {
    this.#sns = sns;
  }

  private get sns(): SNSClient {
    this.#sns ??= new (snsSdk().SNSClient)({});
    return this.#sns;
  }

  async createEndpoint(platform: PushPlatform, deviceToken: string): Promise<string | undefined> {
    const application = this.applications[platform];
    if (application === undefined) return undefined;
    const { CreatePlatformEndpointCommand, InvalidParameterException, SetEndpointAttributesCommand } =
      snsSdk();
    try {
      const { EndpointArn } = await this.sns.send(
        new CreatePlatformEndpointCommand({ PlatformApplicationArn: application, Token: deviceToken }),
      );
      if (!EndpointArn) throw new Error('CreatePlatformEndpoint answered no EndpointArn');
      return EndpointArn;
    } catch (error) {
      const existing =
        error instanceof InvalidParameterException ? EXISTING_ENDPOINT.exec(error.message)?.[1] : undefined;
      if (existing === undefined) throw refusal(error, InvalidParameterException);
      await this.sns.send(
        new SetEndpointAttributesCommand({
          EndpointArn: existing,
          Attributes: { Token: deviceToken, Enabled: 'true' },
        }),
      );
      return existing;
    }
  }

  async deleteEndpoint(endpointArn: string): Promise<void> {
    // SNS answers success for an endpoint that is already gone.
    const { DeleteEndpointCommand } = snsSdk();
    await this.sns.send(new DeleteEndpointCommand({ EndpointArn: endpointArn }));
  }
}

/**
 * What a failed CreatePlatformEndpoint becomes: a token SNS calls malformed is the client's mistake
 * (BAD_REQUEST on `deviceToken`); anything else is ours, named by its error class only, since SNS
 * messages quote the token.
 */
function refusal(
  error: unknown,
  invalidParameter: ReturnType<typeof snsSdk>['InvalidParameterException'],
): Error {
  if (error instanceof invalidParameter && error.message.startsWith('Invalid parameter: Token')) {
    return badRequest([{ field: 'deviceToken', problem: 'not a device token of this platform' }]);
  }
  return new Error(`CreatePlatformEndpoint failed: ${error instanceof Error ? error.name : 'unknown error'}`);
}

/** The local stack's endpoints: stable per token, and pushes to them go to the local outbox. */
export class LocalPushEndpointRegistry implements PushEndpointRegistry {
  async createEndpoint(platform: PushPlatform, deviceToken: string): Promise<string> {
    const id = createHash('sha256').update(deviceToken).digest('hex').slice(0, 32);
    const application = platform === 'fcm' ? 'GCM/local-fcm' : 'APNS/local-apns';
    return `arn:aws:sns:local:000000000000:endpoint/${application}/${id}`;
  }

  /** A local endpoint is only a name: forgetting the device (its item) is what stops its pushes. */
  async deleteEndpoint(): Promise<void> {}
}

/** The SNS refusals of a `Publish` to an endpoint that will never take one again (notifier.ts names them). */
const GONE_ENDPOINT_ERRORS: ReadonlySet<string> = new Set([
  'EndpointDisabledException',
  'NotFoundException',
  'EndpointNotFound',
]);

/**
 * Push through the out-of-band notifier (SNS `Publish` to the endpoint, or the local outbox). SNS
 * refuses an endpoint it disabled (the token expired, the app was removed) or deleted: that device
 * is `gone`, not a failure to retry. The notifier reports SNS's refusal by the error's class name
 * (`OutOfBandDeliveryError`: SNS's own error can quote the destination).
 *
 * A gone endpoint is deleted from SNS too (`endpoints`), as a sign-out deletes a device's: a
 * disabled endpoint still holds the device's token, and once the device's item is forgotten no
 * erasure could find it. A deletion that fails is logged; the device is forgotten all the same.
 */
export class NotifierPushSender implements PushSender {
  constructor(
    private readonly notifier: OutOfBandNotifier,
    private readonly endpoints: Pick<PushEndpointRegistry, 'deleteEndpoint'>,
  ) {}

  async push(endpointArn: string, notice: PushNotice): Promise<'sent' | 'gone'> {
    try {
      await this.notifier.send({ channel: 'push', to: endpointArn, ...notice });
      return 'sent';
    } catch (error) {
      if (!(error instanceof OutOfBandDeliveryError && GONE_ENDPOINT_ERRORS.has(error.errorName)))
        throw error;
    }
    try {
      await this.endpoints.deleteEndpoint(endpointArn);
    } catch (error) {
      logger.warn('gone push endpoint not deleted', {
        errorName: error instanceof Error ? error.name : typeof error,
      });
    }
    return 'gone';
  }
}

/** The registry of this environment: local endpoints when `localOutboxUrl` is set, else SNS. */
export function pushEndpointRegistry(settings: {
  localOutboxUrl: string | undefined;
  applications: PushApplications;
}): PushEndpointRegistry {
  return settings.localOutboxUrl === undefined
    ? new SnsPushEndpointRegistry(settings.applications)
    : new LocalPushEndpointRegistry();
}
