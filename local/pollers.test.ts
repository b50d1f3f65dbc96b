/**
 * The SQS event source mapping driver against the real SQS emulator (fauxqs, in process): batches,
 * FIFO order within a message group, partial batch failures, redelivery after the visibility
 * timeout, and the redrive policy moving a poison message to the dead-letter queue.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import type { LocalFunction } from './functions.ts';
import { type Poller, startPoller } from './pollers.ts';

const region = 'eu-central-1';
let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: region });
  sqs = new SQSClient({ region, endpoint: fauxqs.address, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  sqs.destroy();
  await fauxqs.stop();
});

async function fifoQueueWithDlq(name: string) {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const dlqArn = await arnOf(String(dlq.QueueUrl));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
      },
    }),
  );
  return {
    queueUrl: String(queue.QueueUrl),
    queueArn: await arnOf(String(queue.QueueUrl)),
    dlqUrl: String(dlq.QueueUrl),
  };
}

async function arnOf(queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return String(Attributes?.QueueArn);
}

/** A poller of `queue` driving `fn`, as the local stack starts one per event source mapping. */
function pollerFor(
  fn: LocalFunction,
  queue: { queueUrl: string; queueArn: string },
  concurrency: number,
): Poller {
  return startPoller({
    mapping: { functionId: 'Worker', queueId: 'Q', batchSize: 10, reportBatchItemFailures: true },
    fn,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    endpoint: fauxqs.address,
    region,
    concurrency,
    log: () => undefined,
  });
}

/** A function that records the bodies it saw and reports the ones `fails` picks as failed. */
function recordingFunction(fails: (body: string) => boolean) {
  const seen: string[] = [];
  const fn: LocalFunction = {
    logicalId: 'Worker',
    name: 'Worker',
    entry: 'test',
    initMs: 0,
    async invoke(event) {
      const { Records } = event as SQSEvent;
      seen.push(...Records.map((r) => r.body));
      const response: SQSBatchResponse = {
        batchItemFailures: Records.filter((r) => fails(r.body)).map((r) => ({ itemIdentifier: r.messageId })),
      };
      return response;
    },
  };
  return { fn, seen };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the SQS event source mapping', () => {
  let poller: Poller | undefined;
  afterAll(async () => poller?.stop());

  it('delivers in order per group, redelivers a reported failure, then dead-letters it', async () => {
    // Prepare
    const queue = await fifoQueueWithDlq('ordered');
    const { queueUrl, dlqUrl } = queue;
    const { fn, seen } = recordingFunction((body) => body === 'a-poison');
    poller = pollerFor(fn, queue, 3);

    // Act
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ['a-1', 'a-2', 'b-1', 'a-poison', 'b-2'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageGroupId: body.slice(0, 1),
          MessageDeduplicationId: body,
        })),
      }),
    );
    await until(async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }),
      );
      return Messages.some((m) => m.Body === 'a-poison');
    });

    // Assess
    expect(seen.filter((b) => b.startsWith('a-') && b !== 'a-poison')).toEqual(['a-1', 'a-2']);
    expect(seen.filter((b) => b.startsWith('b-'))).toEqual(['b-1', 'b-2']);
    expect(seen.filter((b) => b === 'a-poison')).toHaveLength(2); // maxReceiveCount 2
    const { Messages: left = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(left).toEqual([]);
  });

  it('fails the whole batch when the function names a record that is not in it, as Lambda does', async () => {
    // Prepare
    const queue = await fifoQueueWithDlq('unknown-id');
    const { queueUrl } = queue;
    let deliveries = 0;
    const fn: LocalFunction = {
      logicalId: 'Worker',
      name: 'Worker',
      entry: 'test',
      initMs: 0,
      async invoke() {
        deliveries++;
        return { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] };
      },
    };
    const second = pollerFor(fn, queue, 1);

    // Act
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{ Id: '0', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'x' }],
      }),
    );
    await until(() => deliveries >= 2);
    await second.stop();

    // Assess: delivered again, so it was not deleted
    expect(deliveries).toBeGreaterThanOrEqual(2);
  });
});
