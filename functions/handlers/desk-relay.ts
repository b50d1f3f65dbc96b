/**
 * DeskRelay: the MessagesTable stream (NEW_IMAGE), filtered to INSERTs of
 *  - citizen messages marked `outbox = operator` (committed while the conversation was queued or
 *    with an operator): pushed to the assigned operator's connections, as the bot never answers them;
 *  - operator messages: a citizen with no open connection is told by push, else SMS (docs/requirements.md#offline-notifications).
 * The use case `relay-desk-message.ts` decides which; this handler parses and logs. At least once:
 * a failed record is reported (its SequenceNumber) and Lambda resumes the shard from it; the
 * operator's console and the citizen's app drop what they already show.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { messageItem } from '#adapters/dynamodb/item-schemas.ts';
import { DynamoOncePerKey } from '#adapters/dynamodb/once-per-key.ts';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { outOfBandNotifier } from '#adapters/notifier.ts';
import { NotifierPushSender } from '#adapters/push-endpoints.ts';
import { DynamoSmsContactReader } from '#adapters/sms-contacts.ts';
import { NOTICE_KEY_TTL_SECONDS } from '#domain/retention.ts';
import type { RelayOutcome } from '#domain/use-cases/relay-citizen-message.ts';
import { relayDeskMessage } from '#domain/use-cases/relay-desk-message.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const outOfBand = outOfBandNotifier({
  localOutboxUrl: config.localOutboxUrl,
  emailFrom: config.authEmailFrom,
});
const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  sessions: new DynamoSessionRepository(config.sessionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
  outOfBand,
  pushes: new NotifierPushSender(outOfBand),
  smsContacts: new DynamoSmsContactReader(config.sessionsTable),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
};
// Each notice once (docs/architecture.md, "Notifications"), remembered longer than the stream keeps
// the record that could replay it.
const notices = new DynamoOncePerKey({
  tableName: config.idempotencyTable,
  keyPrefix: 'notice',
  expiresAfterSeconds: NOTICE_KEY_TTL_SECONDS,
  waitForLease: true,
});

async function relay(record: DynamoDBRecord, context: Context): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error('stream record without NewImage');
  const message = messageItem.parse(unmarshall(image as Record<string, AttributeValue>));
  const outcome = await relayDeskMessage({ ...deps, once: notices.within(context) }, message);
  const ids = { conversationId: message.conversationId, seq: message.seq };
  if (outcome.kind === 'citizen_message')
    logger.info('citizen message relayed', { ...ids, ...flat(outcome.relay) });
  if (outcome.kind === 'operator_reply') logger.info('operator reply notice', { ...ids, ...outcome.notice });
}

function flat(outcome: RelayOutcome): Record<string, unknown> {
  return outcome.status === 'relayed'
    ? { status: outcome.status, ...outcome.delivery }
    : { status: outcome.status, reason: outcome.reason };
}

export const handler = streamHandler('dynamodb-stream', relay, {
  failureMessage: 'desk relay records failed',
});
