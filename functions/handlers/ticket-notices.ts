/**
 * TicketNotices: the TicketsTable stream (NEW_AND_OLD_IMAGES), filtered to MODIFYs. When a
 * ticket's status changed and its citizen has no open connection, they are told by push, else SMS
 * (docs/requirements.md#offline-notifications; the use case `notice-ticket-update.ts` decides); a connected citizen already got
 * `ticket.updated` from the transition itself. At least once: a failed record is retried from its
 * SequenceNumber.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { offlineNoticeWiring } from '#adapters/offline-notice-wiring.ts';
import { noticeTicketUpdate } from '#domain/use-cases/notice-ticket-update.ts';
import { ticketNoticeImageSchema } from '#events/desk-stream-records.ts';
import { unmarshall } from '#shared/aws-sdk/util-dynamodb.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const { deps, notices } = offlineNoticeWiring();

async function notify(record: DynamoDBRecord, context: Context): Promise<void> {
  const { NewImage, OldImage } = record.dynamodb ?? {};
  if (!NewImage || !OldImage) return;
  const after = ticketNoticeImageSchema.safeParse(unmarshall(NewImage as Record<string, AttributeValue>));
  // Number claims and anything that is not a ticket carry no status: nothing to tell.
  if (!after.success) return;
  const ticket = after.data;
  const before = unmarshall(OldImage as Record<string, AttributeValue>);
  const outcome = await noticeTicketUpdate(
    { ...deps, once: notices.within(context) },
    { previousStatus: before.status, ticket },
  );
  if (outcome)
    logger.info('ticket update notice', {
      ticketId: ticket.ticketId,
      ticketStatus: ticket.status,
      ...outcome,
    });
}

export const handler = streamHandler('dynamodb-stream', notify, { failureMessage: 'ticket notices failed' });
