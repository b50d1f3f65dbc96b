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
 *   (`skipGroupOnError`), so a group's order holds while the other groups go on. With
 *   `concurrentGroups`, the batch's message groups run concurrently, each group's records one after
 *   another in order (Powertools' FIFO processor, one per group: version 2.35 has no parallel FIFO
 *   mode), and their failures are reported together.
 *
 * The sibling of `websocket/route-handler.ts`, which does the same for request/response routes.
 */
import {
  BatchProcessor,
  EventType,
  FullBatchFailureError,
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
  /**
   * `sqs-fifo` only: the batch's message groups run concurrently (in order within each group), so a
   * batch of ten conversations costs the longest group's time, not the sum. @default false
   */
  concurrentGroups?: boolean;
  /** Runs before the batch's records (e.g. one read for all of them); throwing fails the whole batch. */
  beforeBatch?: (event: Sources[S]['event']) => Promise<void>;
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
    await options.beforeBatch?.(event);
    const response =
      source === 'sqs-fifo' && options.concurrentGroups
        ? await processFifoGroups(
            event as SQSEvent,
            processRecord as (record: SQSRecord) => Promise<void>,
            context,
          )
        : await processBatch(source, event, processRecord, context);
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

/**
 * A FIFO batch, its message groups concurrently: each group goes through its own FIFO processor
 * (records in order, a failure fails the rest of that group only), the failures of every group are
 * reported together, and a batch whose every record failed throws as Powertools does
 * (`FullBatchFailureError`), so the whole batch comes back.
 */
async function processFifoGroups(
  event: SQSEvent,
  processRecord: (record: SQSRecord) => Promise<void>,
  context: Context,
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of event.Records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const errors: Error[] = [];
  const recording = async (record: SQSRecord) => {
    try {
      await processRecord(record);
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  };
  const responses = await Promise.all(
    [...groups.values()].map((Records) =>
      processPartialResponse({ Records }, recording, new SqsFifoPartialProcessorAsync(), {
        context,
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      }),
    ),
  );
  const batchItemFailures = responses.flatMap((response) => response.batchItemFailures);
  if (event.Records.length > 0 && batchItemFailures.length === event.Records.length) {
    throw new FullBatchFailureError(errors);
  }
  return { batchItemFailures };
}
