/**
 * Route `message.send`: stores the citizen's message with the next `seq` of their conversation
 * (idempotent on `clientMessageId`), answers `message.ack` (through `@connections` as soon as the
 * message is stored, when it goes to the bot), and has the bot answer it in this invocation
 * (queued for the bot worker if that fails).
 */

import { SqsBotJobQueue } from '#adapters/bot-job-queue.ts';
import {
  botTurnWiring,
  conversationTables,
  ReportingFreshMessageAnswerer,
} from '#adapters/bot-turn-wiring.ts';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoCitizenMessageLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import type { MessageAck } from '#domain/idempotency.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import { sendCitizenMessage } from '#domain/use-cases/send-citizen-message.ts';
import { messageSendFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const tables = { ...conversationTables(), limitsTable: config.limitsTable };

const botTurn = botTurnWiring();

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  targets: new DynamoSessionTargetReader(tables),
  hints: new OpenConversationHints(),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  log: new DynamoCitizenMessageLog(tables),
  botJobs: new SqsBotJobQueue(config.botQueueUrl),
  // Built once per Lambda instance: the knowledge base ships in a layer and is validated on load.
  bot: new ReportingFreshMessageAnswerer(botTurn),
  attachments: new DynamoAttachmentRepository({ attachmentsTable: config.attachmentsTable }),
  // A turn needs its reply's commit and a post before the deadline: POST_TIMEOUT_MS at most, twice
  // when the post fails and is tried again (post-frames.ts).
  turnReserveMs: 2 * config.postTimeoutMs + 2000,
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: config.messageRetentionDays,
};

export const handler = routeHandler(
  messageSendFrameSchema,
  async ({ frame, caller, frameCount, answerNow }, _event, context) => {
    const ack = await sendCitizenMessage(deps, {
      caller,
      // No turn is taken here too close to the moment Lambda would stop this invocation.
      deadline: Date.now() + context.getRemainingTimeInMillis(),
      ...(frameCount ? { frameCount } : {}),
      ...(answerNow
        ? { acknowledge: (stored: MessageAck) => answerNow({ type: 'message.ack', ...stored }) }
        : {}),
      clientMessageId: frame.clientMessageId,
      text: frame.text,
      ...(frame.attachmentIds ? { attachmentIds: frame.attachmentIds } : {}),
    });
    return { type: 'message.ack', ...ack };
  },
  // The bot's metrics (first response time, confidence, intent, escalations) are recorded here now.
  // The frame is counted in the message's transaction: one write per message, not two.
  // The ack goes out through `@connections` once the message is stored, before the bot's reply.
  { limits: sharedFrameLimits(), countFrameInWrite: true, metrics: true, answerEarly: botTurn.notifier },
);
