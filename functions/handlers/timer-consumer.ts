/**
 * The timer consumer (the function DispatchTimers): drains the timer queue, whose delayed messages
 * are the SLA and grace timers and whose undelayed ones are "a slot was freed" / "a conversation
 * arrived" signals (`fire-timer.ts`). A failed record comes back after the visibility timeout; each timer
 * re-reads the state it acts on, so a repeat does nothing twice.
 */
import type { SQSRecord } from 'aws-lambda';
import { assignmentDeps } from '#adapters/assignment-wiring.ts';
import { fireTimer } from '#domain/use-cases/fire-timer.ts';
import { timerMessageSchema } from '#events/timers.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const deps = assignmentDeps();

async function fire(record: SQSRecord): Promise<void> {
  const timer = timerMessageSchema.parse(JSON.parse(record.body));
  const outcome = await fireTimer(deps, timer);
  logger.info('timer fired', {
    ...outcome,
    ...('conversationId' in timer ? { conversationId: timer.conversationId } : {}),
  });
}

export const handler = streamHandler('sqs', fire, { metrics: true });
