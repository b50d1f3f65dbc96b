/**
 * The ports of reaching a citizen outside the WebSocket: SMS, e-mail and mobile push, the push
 * devices a citizen registered, and the SMS contact of a verified citizen who opted in.
 */
import type { PushPlatform } from '#events/desk-frames.ts';

/**
 * A message to a citizen outside the WebSocket (`functions/adapters/notifier.ts`): SMS to an E.164
 * phone, e-mail, or mobile push to an SNS platform endpoint ARN. Holds personal data: never log it.
 */
export type OutOfBandMessage =
  | { channel: 'sms'; to: string; text: string }
  | { channel: 'email'; to: string; subject: string; text: string }
  | { channel: 'push'; to: string; title: string; text: string; data?: Record<string, string> };

export interface OutOfBandNotifier {
  /** Hands the message to SNS/SES (or the local outbox); throws when that fails. */
  send(message: OutOfBandMessage): Promise<void>;
}

/** A citizen's device registered with `push.register`: its SNS platform endpoint. */
export interface PushDevice {
  /** `citizen#{citizenId}` for a verified citizen, else `session#{sessionId}`. */
  ownerKey: string;
  /** `{platform}#{SHA-256 of the device token}`: one item per device, never the token itself. */
  deviceKey: string;
  platform: PushPlatform;
  endpointArn: string;
  sessionId: string;
  citizenId?: string;
  registeredAt: string;
  expiresAt: number;
}

export interface PushDeviceRepository {
  /** Stores (or refreshes) the device under its owner. */
  save(device: PushDevice): Promise<void>;
  /** The devices of these owners (a citizen's and their session's), without duplicates. */
  listByOwners(ownerKeys: string[]): Promise<PushDevice[]>;
  delete(device: Pick<PushDevice, 'ownerKey' | 'deviceKey'>): Promise<void>;
}

/** SNS mobile push: a device token becomes a platform endpoint. */
export interface PushEndpointRegistry {
  /**
   * `CreatePlatformEndpoint` on the platform's application; the same token answers the same
   * endpoint (re-enabled if SNS had disabled it). Undefined when the platform has no application here.
   */
  createEndpoint(platform: PushPlatform, deviceToken: string): Promise<string | undefined>;
  /** `DeleteEndpoint`: the device gets no push through it again. Deleting a deleted one succeeds. */
  deleteEndpoint(endpointArn: string): Promise<void>;
}

/** What a push to an offline citizen says: a title, a line, and the ids the app opens on tap. */
export interface PushNotice {
  title: string;
  text: string;
  data: Record<string, string>;
}

/** Mobile push to one device endpoint. */
export interface PushSender {
  /** `gone`: SNS disabled or deleted the endpoint (the app was removed): forget the device. Throws otherwise. */
  push(endpointArn: string, notice: PushNotice): Promise<'sent' | 'gone'>;
}

/** Where a verified citizen who opted in to SMS can be reached; undefined when they did not. */
export interface SmsContactReader {
  smsPhoneOf(citizenId: string): Promise<string | undefined>;
}
