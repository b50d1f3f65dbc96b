/**
 * DeskRelay: the MessagesTable stream (NEW_IMAGE), filtered to INSERTs of
 *  - citizen messages marked `outbox = operator` (committed while the conversation was queued or
 *    with an operator): pushed to the assigned operator's connections, as the bot never answers them;
 *  - operator messages: a citizen with no open connection is told by push, else SMS (C11).
 * Both are at least once: a failed record is reported (its SequenceNumber) and Lambda resumes the
 * shard from it; the operator's console and the citizen's app drop what they already show.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { messageItem } from '#adapters/dynamodb/item-schemas.ts';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { outOfBandNotifier } from '#adapters/notifier.ts';
import { NotifierPushSender } from '#adapters/push-endpoints.ts';
import { DynamoSmsContactReader } from '#adapters/sms-contacts.ts';
import type { StoredMessage } from '#domain/messages.ts';
import { notifyOfflineCitizen } from '#domain/use-cases/notify-offline-citizen.ts';
import { relayCitizenMessage } from '#domain/use-cases/relay-citizen-message.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';

const outOfBand = outOfBandNotifier({
  localOutboxUrl: config.localOutboxUrl,
  emailFrom: config.authEmailFrom,
});
const connections = new DynamoConnectionRepository(config.connectionsTable);
const conversations = new DynamoConversationRepository(config.conversationsTable);
const sessions = new DynamoSessionRepository(config.sessionsTable);
const relayDeps = {
  conversations,
  connections,
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
};
const offlineDeps = {
  connections,
  devices: new DynamoPushDeviceRepository(config.pushDevicesTable),
  outOfBand,
  pushes: new NotifierPushSender(outOfBand),
  smsContacts: new DynamoSmsContactReader(config.sessionsTable),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
};

async function relay(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error('stream record without NewImage');
  const message = messageItem.parse(unmarshall(image as Record<string, AttributeValue>));
  if (message.from === 'citizen') {
    const outcome = await relayCitizenMessage(relayDeps, message);
    logger.info('citizen message relayed', {
      conversationId: message.conversationId,
      seq: message.seq,
      ...flat(outcome),
    });
    return;
  }
  if (message.from === 'operator') await tellOfflineCitizen(message);
}

async function tellOfflineCitizen(message: StoredMessage): Promise<void> {
  const conversation = await conversations.get(message.conversationId);
  if (!conversation) return;
  const session = await sessions.get(conversation.sessionId);
  const citizenId = session?.citizenId ?? conversation.citizenId;
  const outcome = await notifyOfflineCitizen(offlineDeps, {
    sessionId: conversation.sessionId,
    ...(citizenId === undefined ? {} : { citizenId }),
    lang: session?.lang ?? 'ru',
    event: { kind: 'operator_reply', conversationId: conversation.conversationId },
  });
  logger.info('operator reply notice', {
    conversationId: message.conversationId,
    seq: message.seq,
    ...outcome,
  });
}

function flat(outcome: Awaited<ReturnType<typeof relayCitizenMessage>>): Record<string, unknown> {
  return outcome.status === 'relayed'
    ? { status: outcome.status, ...outcome.delivery }
    : { status: outcome.status, reason: outcome.reason };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event, context) => {
    // One processor per invocation: it holds the batch's state.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(event, relay, processor, {
      context,
      processInParallel: false,
    });
    if (response.batchItemFailures.length > 0) {
      logger.warn('desk relay records failed', { failed: response.batchItemFailures.length });
    }
    return response;
  });
