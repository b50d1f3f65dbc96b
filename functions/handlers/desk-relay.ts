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
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { fromMessageItem } from '#adapters/dynamodb/message-body.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { offlineNoticeWiring } from '#adapters/offline-notice-wiring.ts';
import type { RelayOutcome } from '#domain/use-cases/relay-citizen-message.ts';
import { relayDeskMessage } from '#domain/use-cases/relay-desk-message.ts';
import { unmarshall } from '#shared/aws-sdk/util-dynamodb.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const { deps: noticeDeps, notices } = offlineNoticeWiring();
const deps = {
  ...noticeDeps,
  conversations: new DynamoConversationRepository(config.conversationsTable),
  sessions: new DynamoSessionRepository(config.sessionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
};

async function relay(record: DynamoDBRecord, context: Context): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error('stream record without NewImage');
  const message = fromMessageItem(unmarshall(image as Record<string, AttributeValue>));
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
