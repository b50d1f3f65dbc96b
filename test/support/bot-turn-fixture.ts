/**
 * What the use-case tests of a bot turn share, against DynamoDB Local (the test run's global setup):
 * the tables without the outbox's stream, their repositories, a guest's session open on two devices,
 * and in-memory queues for the bot jobs and the escalations (no emulator is asked to deliver them:
 * the running bot worker would answer the test's messages in between).
 */
import { randomUUID } from 'node:crypto';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import type { BotJobQueue, EscalationQueue } from '#domain/ports/bot.ts';
import { expiresAfterDays, expiresAfterSeconds } from '#domain/retention.ts';
import { startSession } from '#domain/sessions.ts';
import type { Caller } from '#events/authorizer-context.ts';
import type { BotJob } from '#events/bot-job.ts';
import type { EscalationEvent } from '#events/escalation.ts';
import { tablesWithoutOutbox } from './emulator-env.ts';

export class RecordingQueue implements BotJobQueue {
  readonly jobs: BotJob[] = [];
  async enqueue(job: BotJob): Promise<void> {
    this.jobs.push(job);
  }
}

export class RecordingEscalations implements EscalationQueue {
  readonly events: EscalationEvent[] = [];
  async publish(event: EscalationEvent): Promise<void> {
    this.events.push(event);
  }
}

/** The system ports and settings of a turn, as the functions wire them. */
export const TURN_SETTINGS = {
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: 30,
  pendingQuestionTtlSeconds: 1800,
};

/** A fresh guest session in Russian with two connections (`phone-…`, `laptop-…`), and the tables' repositories. */
export async function guestOnTwoDevices() {
  const tables = await tablesWithoutOutbox();
  const sessions = new DynamoSessionRepository(tables.sessionsTable);
  const connections = new DynamoConnectionRepository(tables.connectionsTable);
  const sessionId = randomUUID();
  const caller: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'ru' };
  const now = new Date();
  await sessions.createIfAbsent(
    startSession({ sessionId, lang: 'ru', now, expiresAt: expiresAfterDays(now, 1) }),
  );
  for (const device of ['phone', 'laptop']) {
    await connections.save({
      connectionId: `${device}-${sessionId}`,
      principalId: sessionId,
      sessionId,
      role: 'guest',
      lang: 'ru',
      connectedAt: now.toISOString(),
      expiresAt: expiresAfterSeconds(now, 3600),
    });
  }
  return {
    tables,
    sessions,
    connections,
    conversations: new DynamoConversationRepository(tables.conversationsTable),
    messages: new DynamoMessageRepository(tables.messagesTable),
    log: new DynamoConversationLog({ ...tables, compressBodies: true }),
    sessionId,
    caller,
  };
}
