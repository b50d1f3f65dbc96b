/**
 * Offline notices as the stream functions use them, wired from the configuration once per Lambda:
 * who is connected, the citizen's push devices and SMS contact, and the once-per-key claim that
 * makes a replayed stream record send nothing twice (docs/architecture.md, "Notifications").
 * DeskRelay (an operator's reply) and TicketNotices (a ticket's new status) tell an absent citizen
 * through the same parts, so they are built here once.
 */
import { NOTICE_KEY_TTL_SECONDS } from '#domain/retention.ts';
import { config } from '#shared/config.ts';
import { DynamoCitizenSessionLookup } from './dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from './dynamodb/connection-repository.ts';
import { DynamoOncePerKey } from './dynamodb/once-per-key.ts';
import { DynamoPushDeviceRepository } from './dynamodb/push-device-repository.ts';
import { outOfBandNotifier } from './notifier.ts';
import { NotifierPushSender, pushEndpointRegistry } from './push-endpoints.ts';
import { DynamoSmsContactReader } from './sms-contacts.ts';

export function offlineNoticeWiring() {
  const outOfBand = outOfBandNotifier({
    localOutboxUrl: config.localOutboxUrl,
    emailFrom: config.authEmailFrom,
  });
  return {
    deps: {
      connections: new DynamoConnectionRepository(config.connectionsTable),
      devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
      outOfBand,
      pushes: new NotifierPushSender(
        outOfBand,
        pushEndpointRegistry({ localOutboxUrl: config.localOutboxUrl, applications: {} }),
      ),
      smsContacts: new DynamoSmsContactReader(config.sessionsTable),
      citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
    },
    // Each notice once, remembered longer than the stream keeps the record that could replay it.
    notices: new DynamoOncePerKey({
      tableName: config.idempotencyTable,
      keyPrefix: 'notice',
      expiresAfterSeconds: NOTICE_KEY_TTL_SECONDS,
      waitForLease: true,
    }),
  };
}
