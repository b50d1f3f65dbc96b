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
  let failed: Set<string>;
  try {
    const result = await options.fn.invoke(event);
    failed = failedIds(result, options.mapping.reportBatchItemFailures);
  } catch (error) {
    options.log(
      `${options.fn.name} failed a batch of ${messages.length}: ${error instanceof Error ? error.message : error}`,
    );
    return; // nothing deleted: the whole batch comes back after the visibility timeout
  }
  const done = messages.filter((m) => m.MessageId && !failed.has(m.MessageId));
  if (done.length === 0) return;
  await client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
}

/** Lambda's rules: an empty or absent list means all succeeded; a malformed response fails all. */
function failedIds(result: unknown, reportBatchItemFailures: boolean): Set<string> {
  if (!reportBatchItemFailures) return new Set();
  const failures = (result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined)
    ?.batchItemFailures;
  if (!failures) return new Set();
  return new Set(failures.map((f) => String(f.itemIdentifier)));
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
