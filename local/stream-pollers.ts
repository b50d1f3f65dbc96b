/**
 * Drives stream-triggered functions the way Lambda's DynamoDB stream event source mappings do:
 * every shard of the table's stream is read in order (iterators from `StartingPosition` at start-up,
 * so LATEST means "written after the local stack was ready"), records that match none of the
 * mapping's `FilterCriteria` are passed over without an invocation, the rest go to the function in
 * batches of up to `BatchSize` in the `DynamoDBStreamEvent` shape, once the batch is full or the
 * first of its records has waited `MaximumBatchingWindowInSeconds`. A batch that throws is retried
 * whole; with `ReportBatchItemFailures` the function's `batchItemFailures` (itemIdentifier =
 * `SequenceNumber`) make it resume from the first failed record, as Lambda checkpoints before it.
 * After `MaximumRetryAttempts` the batch is given up (logged). Not emulated: bisecting a failed
 * batch, on-failure destinations, parallelization factor, tumbling windows (docs/local-stack.md).
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import type { LocalFunction } from './functions.ts';
import type { Poller } from './pollers.ts';
import type { FilterPattern, StreamEventSourceMappingSpec } from './template.ts';

export interface StreamPollerOptions {
  mapping: StreamEventSourceMappingSpec;
  fn: LocalFunction;
  streamArn: string;
  /** DynamoDB Local's endpoint: it serves the streams API too. */
  endpoint: string;
  region: string;
  log: (line: string) => void;
  /**
   * Pause between two reads of a shard that returned nothing.
   * @default 250 (Lambda reads each shard four times a second)
   */
  idleMs?: number;
  /**
   * Pause before a failed batch is tried again.
   * @default 500
   */
  retryDelayMs?: number;
}

const SHARD_DISCOVERY_MS = 5000;

/** Starts one reader per shard; resolves once every shard has its starting iterator. */
export async function startStreamPoller(options: StreamPollerOptions): Promise<Poller> {
  const client = new DynamoDBStreamsClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const abort = new AbortController();
  const readers = new Map<string, Promise<void>>();
  const startShards = async (position: 'LATEST' | 'TRIM_HORIZON') => {
    for (const shardId of await shardIds(client, options.streamArn)) {
      if (readers.has(shardId)) continue;
      const iterator = await shardIterator(client, options.streamArn, shardId, position);
      readers.set(shardId, readShard(client, options, shardId, iterator, abort.signal));
    }
  };
  await startShards(options.mapping.startingPosition);
  // Shards split and roll over; one that appears later holds only records newer than the start.
  const discovery = setInterval(() => {
    startShards('TRIM_HORIZON').catch((error: unknown) => {
      if (!abort.signal.aborted) options.log(`listing the shards of ${options.streamArn} failed: ${error}`);
    });
  }, SHARD_DISCOVERY_MS);
  return {
    async stop() {
      clearInterval(discovery);
      abort.abort();
      await Promise.allSettled(readers.values());
      client.destroy();
    },
  };
}

async function shardIds(client: DynamoDBStreamsClient, streamArn: string): Promise<string[]> {
  const ids: string[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
    );
    ids.push(...(StreamDescription?.Shards ?? []).flatMap((s) => (s.ShardId ? [s.ShardId] : [])));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return ids;
}

async function shardIterator(
  client: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  position: 'LATEST' | 'TRIM_HORIZON' | { after: string },
): Promise<string | undefined> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: shardId,
      ...(typeof position === 'string'
        ? { ShardIteratorType: position }
        : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.after }),
    }),
  );
  return ShardIterator;
}

/** Reads one shard to its end (a closed shard) or until stopped, delivering what passes the filters. */
async function readShard(
  client: DynamoDBStreamsClient,
  options: StreamPollerOptions,
  shardId: string,
  firstIterator: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  const { mapping } = options;
  let iterator = firstIterator;
  let lastRead: string | undefined;
  const pending: DynamoDBRecord[] = [];
  const windowMs = mapping.maximumBatchingWindowSeconds * 1000;
  // When the first record of the batch being gathered was read.
  let gatheringSince: number | undefined;
  while (!signal.aborted && (iterator || pending.length > 0)) {
    if (iterator && pending.length < mapping.batchSize) {
      try {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }), {
          abortSignal: signal,
        });
        iterator = page.NextShardIterator;
        const records = (page.Records ?? []).map((r) => toLambdaRecord(r, options));
        lastRead = records.at(-1)?.dynamodb?.SequenceNumber ?? lastRead;
        pending.push(...records.filter((r) => matchesAny(mapping.filters, r)));
      } catch (error) {
        if (signal.aborted) return;
        // Expected once per shard, before its first record (below): restart at once, say nothing.
        const expected = lastRead === undefined && (error as Error).name === 'TrimmedDataAccessException';
        if (!expected) options.log(`reading ${options.streamArn} failed: ${String(error)}`);
        await sleep(expected ? 50 : 1000);
        // An expired iterator is replaced by one right after the last record read. Before any record
        // was read, the shard's start: DynamoDB Local invalidates a LATEST iterator taken on an empty
        // shard once the first records arrive (TrimmedDataAccessException), and a new LATEST would
        // skip them. The local stack's tables are created at start-up, so the start holds nothing older.
        iterator = await shardIterator(
          client,
          options.streamArn,
          shardId,
          lastRead ? { after: lastRead } : 'TRIM_HORIZON',
        ).catch(() => iterator);
        continue;
      }
    }
    if (pending.length === 0) {
      await sleep(options.idleMs ?? 250);
      continue;
    }
    gatheringSince ??= Date.now();
    const waited = Date.now() - gatheringSince;
    if (pending.length < mapping.batchSize && waited < windowMs) {
      await sleep(Math.min(options.idleMs ?? 250, windowMs - waited));
      continue;
    }
    const delivered = await deliverWithRetries(options, pending.slice(0, mapping.batchSize), signal);
    pending.splice(0, delivered);
    gatheringSince = pending.length > 0 ? Date.now() : undefined;
  }
}

/**
 * Invokes the function with `batch` until it succeeds or the retries run out; returns how many
 * records of the batch are done (processed, or given up). A partial failure shrinks the batch to
 * the records from the first failed one, and only those are tried again.
 */
async function deliverWithRetries(
  options: StreamPollerOptions,
  batch: DynamoDBRecord[],
  signal: AbortSignal,
): Promise<number> {
  const { mapping } = options;
  let from = 0;
  for (let retry = 0; !signal.aborted; retry++) {
    const records = batch.slice(from);
    const failedAt = await invoke(options, records);
    if (failedAt === undefined) return batch.length;
    from += failedAt;
    if (mapping.maximumRetryAttempts >= 0 && retry >= mapping.maximumRetryAttempts) {
      options.log(
        `${options.fn.name} gave up ${batch.length - from} stream records after ${retry} retries ` +
          `(first ${batch[from]?.dynamodb?.SequenceNumber})`,
      );
      return batch.length;
    }
    await sleep(options.retryDelayMs ?? 500);
  }
  return from;
}

/** Undefined when the batch succeeded, else the index of the first record to try again. */
async function invoke(options: StreamPollerOptions, records: DynamoDBRecord[]): Promise<number | undefined> {
  const event: DynamoDBStreamEvent = { Records: records };
  let result: unknown;
  try {
    result = await options.fn.invoke(event);
  } catch (error) {
    options.log(
      `${options.fn.name} failed a batch of ${records.length} stream records: ${
        error instanceof Error ? error.message : error
      }`,
    );
    return 0;
  }
  if (!options.mapping.reportBatchItemFailures) return undefined;
  return firstFailed(result, records);
}

/**
 * Lambda's rules for `ReportBatchItemFailures` on a stream: an empty or absent list means all
 * succeeded; an identifier that is empty or names no record of the batch fails the whole batch;
 * otherwise processing resumes from the lowest failed sequence number.
 */
function firstFailed(result: unknown, records: DynamoDBRecord[]): number | undefined {
  const failures = (result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined)
    ?.batchItemFailures;
  if (!failures?.length) return undefined;
  const indexes = failures.map((f) =>
    records.findIndex(
      (r) => typeof f.itemIdentifier === 'string' && r.dynamodb?.SequenceNumber === f.itemIdentifier,
    ),
  );
  if (indexes.some((i) => i < 0)) return 0;
  return Math.min(...indexes);
}

/**
 * The subset of Lambda event filtering the stack uses: a pattern is an object whose keys must all
 * match; a nested object matches the nested value; an array lists the allowed values, compared
 * exactly (strings, numbers, booleans, null) or `{ "exists": true|false }`. Filters are OR-ed.
 */
function matchesAny(filters: FilterPattern[], record: DynamoDBRecord): boolean {
  if (filters.length === 0) return true;
  return filters.some((pattern) => matches(pattern, record));
}

function matches(pattern: FilterPattern, value: unknown): boolean {
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = object[key];
    if (!Array.isArray(expected)) return actual !== undefined && matches(expected, actual);
    return expected.some((allowed) => {
      if (typeof allowed === 'object' && allowed !== null && 'exists' in allowed) {
        return (actual !== undefined) === (allowed as { exists: unknown }).exists;
      }
      return actual === allowed;
    });
  });
}

/** The stream record as Lambda delivers it: epoch seconds, base64 binaries, the stream's ARN. */
function toLambdaRecord(record: StreamRecord, options: StreamPollerOptions): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? 'INSERT',
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: options.region,
    eventSourceARN: options.streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(data.Keys ? { Keys: lambdaJson(data.Keys) } : {}),
      ...(data.NewImage ? { NewImage: lambdaJson(data.NewImage) } : {}),
      ...(data.OldImage ? { OldImage: lambdaJson(data.OldImage) } : {}),
      ...(data.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
      ...(data.SizeBytes !== undefined ? { SizeBytes: data.SizeBytes } : {}),
      ...(data.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
    },
  };
}

/** AttributeValues as JSON: the SDK's binary values (Uint8Array) become base64, as in Lambda's event. */
function lambdaJson<T>(value: unknown): T {
  return JSON.parse(
    JSON.stringify(value, (_, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
    ),
  ) as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
