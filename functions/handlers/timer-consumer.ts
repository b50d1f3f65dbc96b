/**
 * The timer consumer (the function DispatchTimers): drains the timer queue, whose delayed messages
 * are the SLA and grace timers and whose undelayed ones are "a slot was freed" / "a conversation
 * arrived" signals (`fire-timer.ts`). A failed record comes back after the visibility timeout; each timer
 * re-reads the state it acts on, so a repeat does nothing twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { assignmentDeps } from '#adapters/assignment-wiring.ts';
import { fireTimer } from '#domain/use-cases/fire-timer.ts';
import { timerMessageSchema } from '#events/timers.ts';
import { logger, metrics } from '#shared/observability.ts';

const deps = assignmentDeps();

async function fire(record: SQSRecord): Promise<void> {
  const timer = timerMessageSchema.parse(JSON.parse(record.body));
  const outcome = await fireTimer(deps, timer);
  logger.info('timer fired', {
    ...outcome,
    ...('conversationId' in timer ? { conversationId: timer.conversationId } : {}),
  });
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, fire, processor, { context });
  });
