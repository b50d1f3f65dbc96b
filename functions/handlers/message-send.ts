/**
 * Route `message.send`: stores the citizen's message with the next `seq` of their conversation
 * (idempotent on `clientMessageId`), queues it for the bot, and answers `message.ack`.
 */

import { SqsBotJobQueue } from '#adapters/bot-job-queue.ts';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import { sendCitizenMessage } from '#domain/use-cases/send-citizen-message.ts';
import { messageSendFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const tables = {
  sessionsTable: config.sessionsTable,
  conversationsTable: config.conversationsTable,
  messagesTable: config.messagesTable,
  idempotencyTable: config.idempotencyTable,
  limitsTable: config.limitsTable,
};

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  targets: new DynamoSessionTargetReader(tables),
  hints: new OpenConversationHints(),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  log: new DynamoConversationLog(tables),
  botJobs: new SqsBotJobQueue(config.botQueueUrl),
  attachments: new DynamoAttachmentRepository({ attachmentsTable: config.attachmentsTable }),
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: config.messageRetentionDays,
};

export const handler = routeHandler(
  messageSendFrameSchema,
  async ({ frame, caller, frameCount }) => {
    const ack = await sendCitizenMessage(deps, {
      caller,
      ...(frameCount ? { frameCount } : {}),
      clientMessageId: frame.clientMessageId,
      text: frame.text,
      ...(frame.attachmentIds ? { attachmentIds: frame.attachmentIds } : {}),
    });
    return { type: 'message.ack', ...ack };
  },
  // The frame is counted in the message's transaction: one write per message, not two.
  { limits: sharedFrameLimits(), countFrameInWrite: true },
);
