/**
 * The Lambda handler of a stream or queue consumer, built once for every one of them: the
 * Powertools logger context, then (for consumers that record metrics) the EMF flush, then the
 * Powertools batch processor that reports partial failures, with a fresh processor per invocation
 * (it holds the batch's state, and the local stack serves invocations of one instance concurrently).
 * The record function does the work of one record (with the invocation's context, e.g. for the
 * leases of functions/adapters/dynamodb/once-per-key.ts); a record it throws on is reported as failed.
 *
 * - `dynamodb-stream`: records one after another, in stream order; a failed record is reported by
 *   its SequenceNumber and Lambda resumes the shard from it.
 * - `sqs`: records of a standard queue, in parallel; a failed one comes back after its visibility.
 * - `sqs-fifo`: records in order; a failed record fails the rest of its message group
 *   (`skipGroupOnError`), so a group's order holds while the other groups go on.
 *
 * The sibling of `websocket/route-handler.ts`, which does the same for request/response routes.
 */
import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { logger, metrics } from './observability.ts';

interface Sources {
  'dynamodb-stream': { event: DynamoDBStreamEvent; record: DynamoDBRecord; response: DynamoDBBatchResponse };
  sqs: { event: SQSEvent; record: SQSRecord; response: SQSBatchResponse };
  'sqs-fifo': { event: SQSEvent; record: SQSRecord; response: SQSBatchResponse };
}
export type StreamSource = keyof Sources;

export interface StreamHandlerOptions<S extends StreamSource> {
  /**
   * Flush the metrics the records record (Powertools `logMetrics`, after the logger context).
   * @default false: a consumer that records none would only log "no metrics to publish"
   */
  metrics?: boolean;
  /** Logged as a warning, with how many records failed, when any did. @default none */
  failureMessage?: string;
  /** Runs after the batch with its partial failures (e.g. to shorten their redelivery). */
  afterBatch?: (event: Sources[S]['event'], response: Sources[S]['response']) => Promise<void>;
}

export type StreamHandler<S extends StreamSource> = MiddyfiedHandler<
  Sources[S]['event'],
  Sources[S]['response'],
  Error,
  Context
>;

export function streamHandler<S extends StreamSource>(
  source: S,
  processRecord: (record: Sources[S]['record'], context: Context) => Promise<void>,
  options: StreamHandlerOptions<S> = {},
): StreamHandler<S> {
  const base = middy<Sources[S]['event'], Sources[S]['response']>().use(injectLambdaContext(logger));
  const withMetrics = options.metrics ? base.use(logMetrics(metrics)) : base;
  return withMetrics.handler(async (event, context) => {
    const response = await processBatch(source, event, processRecord, context);
    if (options.failureMessage && response.batchItemFailures.length > 0) {
      logger.warn(options.failureMessage, { failed: response.batchItemFailures.length });
    }
    await options.afterBatch?.(event, response);
    return response;
  });
}

function processBatch<S extends StreamSource>(
  source: S,
  event: Sources[S]['event'],
  processRecord: (record: Sources[S]['record'], context: Context) => Promise<void>,
  context: Context,
): Promise<Sources[S]['response']> {
  switch (source) {
    case 'dynamodb-stream':
      return processPartialResponse(event, processRecord, new BatchProcessor(EventType.DynamoDBStreams), {
        context,
        processInParallel: false,
      });
    case 'sqs':
      return processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), { context });
    default:
      return processPartialResponse(event, processRecord, new SqsFifoPartialProcessorAsync(), {
        context,
        skipGroupOnError: true,
      });
  }
}
