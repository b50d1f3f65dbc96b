/**
 * PrivacyErase: invoked by the platform team with IAM (`aws lambda invoke`, docs/runbooks.md
 * "Erase a citizen's data"; on the local stack `npm run privacy:erase`) with the citizen's phone or
 * e-mail and who asks and why (events/audit.ts). Removes or anonymises everything of that citizen
 * (functions/domain/erasure.ts), journals the erasure, and answers its id and counts. Logs the id
 * and the counts, never the phone or e-mail.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoAssignmentStore } from '#adapters/dynamodb/assignment-store.ts';
import { DynamoCitizenRecords } from '#adapters/dynamodb/citizen-records.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { HmacIdentityHasher } from '#adapters/identity-hasher.ts';
import { pushEndpointRegistry } from '#adapters/push-endpoints.ts';
import { citizenIdKey, codeHmacKey } from '#adapters/secret-keys.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { SqsTimerQueue } from '#adapters/timer-queue.ts';
import { eraseCitizen } from '#domain/use-cases/erase-citizen.ts';
import { privacyEraseRequestSchema } from '#events/audit.ts';
import { config } from '#shared/config.ts';
import { invocationResult } from '#shared/invocation.ts';
import { logger } from '#shared/observability.ts';

const notifier = new ApiGatewayConnectionNotifier({
  endpoint: config.wsConnectionsEndpoint,
  timeoutMs: config.postTimeoutMs,
});

const deps = {
  hasher: new HmacIdentityHasher({ codeKey: codeHmacKey(config), citizenKey: citizenIdKey(config) }),
  records: new DynamoCitizenRecords(
    {
      sessionsTable: config.sessionsTable,
      connectionsTable: config.connectionsTable,
      conversationsTable: config.conversationsTable,
      messagesTable: config.messagesTable,
      notesTable: config.notesTable,
      ticketsTable: config.ticketsTable,
      attachmentsTable: config.attachmentsTable,
      pushDevicesTable: config.pushDevicesTable,
      verificationCodesTable: config.verificationCodesTable,
      idempotencyTable: config.idempotencyTable,
      limitsTable: config.limitsTable,
      visitsTable: config.visitsTable,
      attachmentsBucket: config.attachmentsBucket,
    },
    pushEndpointRegistry({ localOutboxUrl: config.localOutboxUrl, applications: {} }),
    notifier,
    // Path-style against the emulator, which the local upload endpoint's presence says this is.
    { pathStyle: config.attachmentUploadEndpoint !== undefined },
  ),
  // The slot of an operator who held one of the conversations, freed as a ticket's final move frees it.
  assignment: {
    store: new DynamoAssignmentStore({
      conversationsTable: config.conversationsTable,
      operatorsTable: config.operatorsTable,
    }),
    timers: new SqsTimerQueue(config.timerQueueUrl),
  },
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier,
  journal: new DynamoAccessJournal({
    accessJournalTable: config.accessJournalTable,
    retentionDays: config.journalRetentionDays,
  }),
  clock: systemClock,
  ids: randomIds,
};

export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async (event: unknown) =>
    invocationResult(privacyEraseRequestSchema, event, async (request) => {
      const result = await eraseCitizen(deps, {
        who: 'phone' in request ? { phone: request.phone } : { email: request.email },
        requestedBy: request.requestedBy,
        reason: request.reason,
      });
      logger.info('citizen erased', {
        erasureId: result.erasureId,
        counts: result.counts,
        operatorsReleased: result.operatorsReleased,
      });
      return { status: 'erased' as const, ...result };
    }),
  );
