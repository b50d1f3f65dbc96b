/**
 * Drives queue-triggered functions the way Lambda's SQS event source mappings do: long-polls the
 * queue, hands batches of up to `BatchSize` records to the function, deletes what succeeded, and
 * leaves failed records (the whole batch when the function throws, or `batchItemFailures` when it
 * reports them) to come back after the visibility timeout, until the redrive policy moves them to
 * the dead-letter queue. FIFO ordering per message group is the queue's own (fauxqs).
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import type { LocalFunction } from './functions.ts';
import type { EventSourceMappingSpec } from './template.ts';

export interface Poller {
  stop(): Promise<void>;
}

export interface PollerOptions {
  mapping: EventSourceMappingSpec;
  fn: LocalFunction;
  queueUrl: string;
  queueArn: string;
  endpoint: string;
  region: string;
  /** How many batches may be in flight at once (Lambda scales pollers out; 5 to start). */
  concurrency: number;
  log: (line: string) => void;
}

export function startPoller(options: PollerOptions): Poller {
  const client = new SQSClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const abort = new AbortController();
  const loops = Array.from({ length: options.concurrency }, () => pollLoop(client, options, abort.signal));
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
      client.destroy();
    },
  };
}

async function pollLoop(client: SQSClient, options: PollerOptions, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    let messages: Message[] = [];
    try {
      const result = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(options.mapping.batchSize, 10),
          WaitTimeSeconds: 20,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      messages = result.Messages ?? [];
    } catch (error) {
      if (signal.aborted) return;
      options.log(`polling ${options.queueUrl} failed: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (messages.length > 0) await deliver(client, options, messages);
  }
}

async function deliver(client: SQSClient, options: PollerOptions, messages: Message[]): Promise<void> {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options)) };
  let failed: Set<string> | 'all';
  try {
    const result = await options.fn.invoke(event);
    failed = failedIds(result, options.mapping.reportBatchItemFailures, event);
  } catch (error) {
    options.log(
      `${options.fn.name} failed a batch of ${messages.length}: ${error instanceof Error ? error.message : error}`,
    );
    failed = 'all';
  }
  // Nothing deleted for a failed record: it comes back after its visibility timeout.
  if (failed === 'all') return;
  const done = messages.filter((m) => m.MessageId && !(failed as Set<string>).has(m.MessageId));
  if (done.length === 0) return;
  try {
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  } catch (error) {
    // As with Lambda: the records were processed; they come back and the function's idempotency
    // has to absorb the repeat. The poller itself goes on.
    options.log(`deleting a processed batch from ${options.queueUrl} failed: ${String(error)}`);
  }
}

/**
 * Lambda's rules for `ReportBatchItemFailures`: an empty or absent list means all succeeded; an
 * entry with an empty identifier, or one that names no record of the batch, fails the whole batch.
 */
function failedIds(result: unknown, reportBatchItemFailures: boolean, event: SQSEvent): Set<string> | 'all' {
  if (!reportBatchItemFailures) return new Set();
  const failures = (result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined)
    ?.batchItemFailures;
  if (!failures) return new Set();
  const inBatch = new Set(event.Records.map((r) => r.messageId));
  const ids = failures.map((f) => (typeof f.itemIdentifier === 'string' ? f.itemIdentifier : ''));
  if (ids.some((id) => !inBatch.has(id))) return 'all';
  return new Set(ids);
}

function toRecord(message: Message, options: PollerOptions): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
            : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
}
