/**
 * DispatchTimers: drains the dispatch queue, whose delayed messages are the SLA and grace timers and
 * whose undelayed ones are "a slot was freed" / "a conversation arrived" signals
 * (`fire-dispatch-timer.ts`). A failed record comes back after the visibility timeout; each timer
 * re-reads the state it acts on, so a repeat does nothing twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dispatchDeps } from '#adapters/dispatch-wiring.ts';
import { fireDispatchTimer } from '#domain/use-cases/fire-dispatch-timer.ts';
import { dispatchTimerSchema } from '#events/dispatch.ts';
import { logger, metrics } from '#shared/observability.ts';

const deps = dispatchDeps();

async function fire(record: SQSRecord): Promise<void> {
  const timer = dispatchTimerSchema.parse(JSON.parse(record.body));
  const outcome = await fireDispatchTimer(deps, timer);
  logger.info('dispatch timer fired', {
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
