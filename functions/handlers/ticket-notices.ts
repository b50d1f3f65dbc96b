/**
 * TicketNotices: the TicketsTable stream (NEW_AND_OLD_IMAGES), filtered to MODIFYs. When a
 * ticket's status changed and its citizen has no open connection, they are told by push, else SMS
 * (C11); a connected citizen already got `ticket.updated` from the transition itself. At least once:
 * a failed record is retried from its SequenceNumber.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { outOfBandNotifier } from '#adapters/notifier.ts';
import { NotifierPushSender } from '#adapters/push-endpoints.ts';
import { DynamoSmsContactReader } from '#adapters/sms-contacts.ts';
import { STATUS_LABELS } from '#domain/tickets.ts';
import { notifyOfflineCitizen } from '#domain/use-cases/notify-offline-citizen.ts';
import { ticketNoticeImageSchema } from '#events/desk-stream-records.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';

const outOfBand = outOfBandNotifier({
  localOutboxUrl: config.localOutboxUrl,
  emailFrom: config.authEmailFrom,
});
const deps = {
  connections: new DynamoConnectionRepository(config.connectionsTable),
  devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
  outOfBand,
  pushes: new NotifierPushSender(outOfBand),
  smsContacts: new DynamoSmsContactReader(config.sessionsTable),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
};

async function notify(record: DynamoDBRecord): Promise<void> {
  const { NewImage, OldImage } = record.dynamodb ?? {};
  if (!NewImage || !OldImage) return;
  const after = ticketNoticeImageSchema.safeParse(unmarshall(NewImage as Record<string, AttributeValue>));
  // Number claims and anything that is not a ticket carry no status: nothing to tell.
  if (!after.success) return;
  const before = unmarshall(OldImage as Record<string, AttributeValue>);
  const ticket = after.data;
  // A portal ticket of nobody who identified in the chat has no one to notify here (its contact is
  // answered by the portal's own channels).
  if (before.status === ticket.status || (ticket.sessionId === undefined && ticket.citizenId === undefined))
    return;
  const outcome = await notifyOfflineCitizen(deps, {
    ...(ticket.sessionId === undefined ? {} : { sessionId: ticket.sessionId }),
    ...(ticket.citizenId === undefined ? {} : { citizenId: ticket.citizenId }),
    lang: ticket.lang,
    event: {
      kind: 'ticket_update',
      ticketId: ticket.ticketId,
      number: ticket.number,
      statusLabel: STATUS_LABELS[ticket.status][ticket.lang],
    },
  });
  logger.info('ticket update notice', { ticketId: ticket.ticketId, ticketStatus: ticket.status, ...outcome });
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event, context) => {
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(event, notify, processor, {
      context,
      processInParallel: false,
    });
    if (response.batchItemFailures.length > 0) {
      logger.warn('ticket notices failed', { failed: response.batchItemFailures.length });
    }
    return response;
  });
