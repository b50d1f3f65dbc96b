/**
 * VisitReminders: invoked by its EventBridge Scheduler schedule every few minutes (the local stack
 * runs the same schedule, `VISIT_REMINDER_PERIOD_SECONDS` shortens it), sends the reminders of MFC
 * visits that are due (functions/domain/use-cases/remind-visits.ts). Logs counts, never who or where.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DynamoOncePerKey } from '#adapters/dynamodb/once-per-key.ts';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamodb/visit-repository.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { outOfBandNotifier } from '#adapters/notifier.ts';
import { NotifierPushSender, pushEndpointRegistry } from '#adapters/push-endpoints.ts';
import { DynamoSmsContactReader } from '#adapters/sms-contacts.ts';
import { systemClock } from '#adapters/system.ts';
import { NOTICE_KEY_TTL_SECONDS } from '#domain/retention.ts';
import { remindVisits } from '#domain/use-cases/remind-visits.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';

const outOfBand = outOfBandNotifier({
  localOutboxUrl: config.localOutboxUrl,
  emailFrom: config.authEmailFrom,
});
const deps = {
  reminders: new DynamoVisitRepository(config.visitsTable),
  directory: loadMfcDirectory(config.mfcDirectoryDir),
  devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
  pushes: new NotifierPushSender(
    outOfBand,
    pushEndpointRegistry({ localOutboxUrl: config.localOutboxUrl, applications: {} }),
  ),
  outOfBand,
  smsContacts: new DynamoSmsContactReader(config.sessionsTable),
  clock: systemClock,
};
// Each push and SMS once, as the offline notices (docs/architecture.md, "Notifications").
const notices = new DynamoOncePerKey({
  tableName: config.idempotencyTable,
  keyPrefix: 'notice',
  expiresAfterSeconds: NOTICE_KEY_TTL_SECONDS,
  waitForLease: true,
});

export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async (_event: unknown, context: Context) => {
    // The once-per-key lease is held within this invocation's remaining time.
    const outcome = await remindVisits({ ...deps, once: notices.within(context) });
    logger.info('visit reminders', { ...outcome });
    return outcome;
  });
