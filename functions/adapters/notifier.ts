/**
 * Out-of-band messages to a citizen who is not (or not only) on the WebSocket: SMS through SNS
 * `Publish` to a phone number (transactional), e-mail through SES v2 `SendEmail`, mobile push
 * through SNS `Publish` to a platform endpoint (FCM/APNs). On the local stack (`LOCAL_OUTBOX_URL`
 * set) every message is recorded in the local outbox instead (`GET /local/outbox`), which has no
 * AWS counterpart to emulate: nothing leaves the machine.
 *
 * A failure throws `OutOfBandDeliveryError` (the caller decides whether it matters), which, like
 * the log, names the channel and the error's class only, never the destination or the text.
 */
import type { OutOfBandMessage, OutOfBandNotifier } from '#domain/ports/out-of-band.ts';
import { type SESv2Client, sesSdk } from '#shared/aws-sdk/client-sesv2.ts';
import { type SNSClient, snsSdk } from '#shared/aws-sdk/client-sns.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';

/** Deadline of one send: an SMS or e-mail that cannot be handed over in this time is reported failed. */
const SEND_TIMEOUT_MS = 5000;

export class AwsOutOfBandNotifier implements OutOfBandNotifier {
  #sns: SNSClient | undefined;
  #ses: SESv2Client | undefined;

  /**
   * `emailFrom`: a verified SES identity of the account (`AUTH_EMAIL_FROM`); `smsSenderId`: the
   * alphanumeric sender of SMS (`SMS_SENDER_ID`), where the destination country allows one.
   * `clients`: made at the first message of their channel when not given (the SDK packages too):
   * most invocations of the functions that hold a notifier send nothing out of band.
   */
  constructor(
    private readonly emailFrom: string,
    private readonly smsSenderId?: string,
    clients: { sns?: SNSClient; ses?: SESv2Client } = {},
  ) {
    this.#sns = clients.sns;
    this.#ses = clients.ses;
  }

  private get sns(): SNSClient {
    this.#sns ??= new (snsSdk().SNSClient)({});
    return this.#sns;
  }

  private get ses(): SESv2Client {
    this.#ses ??= new (sesSdk().SESv2Client)({});
    return this.#ses;
  }

  async send(message: OutOfBandMessage): Promise<void> {
    const abortSignal = AbortSignal.timeout(SEND_TIMEOUT_MS);
    // The channel's SDK package and client before the refusals are caught: a runtime SDK that lacks
    // a name fails here, naming it, not as a refusal of SNS or SES.
    if (message.channel === 'email') void this.ses;
    else void this.sns;
    try {
      switch (message.channel) {
        case 'sms': {
          const { PublishCommand } = snsSdk();
          await this.sns.send(
            new PublishCommand({
              PhoneNumber: message.to,
              Message: message.text,
              MessageAttributes: {
                // One-time codes and status updates must arrive now, not at the cheapest rate.
                'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
                ...(this.smsSenderId
                  ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.smsSenderId } }
                  : {}),
              },
            }),
            { abortSignal },
          );
          return;
        }
        case 'email': {
          const { SendEmailCommand } = sesSdk();
          await this.ses.send(
            new SendEmailCommand({
              FromEmailAddress: this.emailFrom,
              Destination: { ToAddresses: [message.to] },
              Content: {
                Simple: {
                  Subject: { Data: message.subject, Charset: 'UTF-8' },
                  Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
                },
              },
            }),
            { abortSignal },
          );
          return;
        }
        case 'push': {
          const { PublishCommand } = snsSdk();
          await this.sns.send(
            new PublishCommand({
              TargetArn: message.to,
              MessageStructure: 'json',
              Message: pushPayload(message),
            }),
            { abortSignal },
          );
          return;
        }
      }
    } catch (error) {
      const errorName = refusalName(error, message.channel);
      logger.warn('out-of-band message not sent', { channel: message.channel, errorName });
      // Not rethrown as is: SNS and SES quote the phone or address in some error messages, and the
      // caller's error log must not carry them.
      throw new OutOfBandDeliveryError(message.channel, errorName);
    }
  }
}

/**
 * The class of SNS's or SES's refusal, which is all that is kept of it. One refusal is told apart
 * by its message: SNS answers a push to an endpoint that was deleted with `InvalidParameter` "…
 * No endpoint found for the target arn specified" (reported by users of real accounts; its API
 * reference lists `NotFound` for it): `EndpointNotFound`.
 */
function refusalName(error: unknown, channel: OutOfBandMessage['channel']): string {
  const name = error instanceof Error ? error.name : typeof error;
  const deletedEndpoint =
    channel === 'push' &&
    name === 'InvalidParameterException' &&
    /no endpoint found for the target arn/i.test((error as Error).message);
  return deletedEndpoint ? 'EndpointNotFound' : name;
}

/** A message SNS/SES did not take; says which channel and which error class, nothing more. */
export class OutOfBandDeliveryError extends Error {
  constructor(
    readonly channel: OutOfBandMessage['channel'],
    readonly errorName: string,
  ) {
    super(`${channel} message not sent: ${errorName}`);
    this.name = 'OutOfBandDeliveryError';
  }
}

/** One payload for both platforms: SNS picks the key of the endpoint's platform. */
function pushPayload(message: Extract<OutOfBandMessage, { channel: 'push' }>): string {
  const data = message.data ?? {};
  return JSON.stringify({
    default: message.text,
    GCM: JSON.stringify({ notification: { title: message.title, body: message.text }, data }),
    APNS: JSON.stringify({ aps: { alert: { title: message.title, body: message.text } }, ...data }),
    APNS_SANDBOX: JSON.stringify({ aps: { alert: { title: message.title, body: message.text } }, ...data }),
  });
}

/** The local stack's outbox (`POST /local/outbox`, local/http.ts): what would have been sent. */
export class LocalOutboxNotifier implements OutOfBandNotifier {
  constructor(private readonly url: string) {}

  async send(message: OutOfBandMessage): Promise<void> {
    const entry = {
      channel: message.channel,
      to: message.to,
      ...(message.channel === 'sms'
        ? {}
        : { subject: message.channel === 'email' ? message.subject : message.title }),
      text: message.text,
      ...(message.channel === 'push' && message.data ? { meta: message.data } : {}),
    };
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(entry),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    if (!response.ok) {
      logger.warn('out-of-band message not recorded in the local outbox', {
        channel: message.channel,
        status: response.status,
      });
      throw new OutOfBandDeliveryError(message.channel, `HTTP ${response.status}`);
    }
  }
}

/** The notifier of this environment: the local outbox when `localOutboxUrl` is set, else AWS. */
export function outOfBandNotifier(settings: {
  localOutboxUrl: string | undefined;
  emailFrom: string;
  smsSenderId?: string;
}): OutOfBandNotifier {
  return settings.localOutboxUrl === undefined
    ? new AwsOutOfBandNotifier(settings.emailFrom, settings.smsSenderId ?? config.smsSenderId)
    : new LocalOutboxNotifier(settings.localOutboxUrl);
}
