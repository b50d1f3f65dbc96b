/**
 * A FIFO consumer with `concurrentGroups` against the SQS emulator, driven by the local stack's own
 * poller (local/pollers.ts: receive, invoke, delete what succeeded, leave the reported failures to
 * come back after the visibility timeout), as the escalation consumer runs on `npm start`. Three
 * message groups of three; the second record of one group fails once.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sqsClient } from '#adapters/sqs-client.ts';
import { startPoller } from '../../local/pollers.ts';
import { streamHandler } from './stream-handler.ts';

const GROUPS = ['a', 'b', 'c'];

describe('a FIFO consumer with concurrent message groups (SQS emulator, the local poller)', () => {
  it('runs the groups of a batch concurrently, each in order; a failure in one group comes back in order and loses or reorders nothing of the others', async () => {
    // Prepare: a FIFO queue whose failed records come back after a second.
    const { QueueUrl: queueUrl } = await sqsClient.send(
      new CreateQueueCommand({
        QueueName: `test-groups-${randomUUID().slice(0, 8)}.fifo`,
        Attributes: { FifoQueue: 'true', VisibilityTimeout: '1' },
      }),
    );
    if (!queueUrl) throw new Error('no queue URL');
    const events: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    let failedOnce = false;
    const handler = streamHandler(
      'sqs-fifo',
      async (record) => {
        const body = record.body;
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        events.push(`start ${body}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running--;
        if (body === 'b2' && !failedOnce) {
          failedOnce = true;
          events.push(`fail ${body}`);
          throw new Error('b2 fails once');
        }
        events.push(`done ${body}`);
      },
      { concurrentGroups: true },
    );
    const batches: SQSEvent[] = [];
    const poller = startPoller({
      mapping: { functionId: 'F', queueId: 'Q', batchSize: 10, reportBatchItemFailures: true },
      fn: {
        logicalId: 'F',
        name: 'groups-consumer',
        entry: 'test',
        initMs: 0,
        invoke: (event) => {
          batches.push(event as SQSEvent);
          return handler(event as SQSEvent, {} as Context);
        },
      },
      queueUrl,
      queueArn: 'arn:aws:sqs:local:000000000000:test',
      endpoint: process.env.AWS_ENDPOINT_URL_SQS as string,
      region: process.env.AWS_REGION as string,
      concurrency: 1,
      log: () => undefined,
    });

    // Act: nine records, a1 b1 c1 a2 b2 c2 a3 b3 c3, in one send; wait until all are done.
    const order = [1, 2, 3].flatMap((n) => GROUPS.map((g) => `${g}${n}`));
    await sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: order.map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageGroupId: body.slice(0, 1),
          MessageDeduplicationId: `${body}-${randomUUID()}`,
        })),
      }),
    );
    const deadline = Date.now() + 20_000;
    while (events.filter((e) => e.startsWith('done')).length < 9 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The last delete lands after the last record is done.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await poller.stop();
    const { Attributes } = await sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    await sqsClient.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));

    // Assess: every record done exactly once, each group in its order, b3 never before b2's success.
    const done = events.filter((e) => e.startsWith('done')).map((e) => e.slice(5));
    expect([...done].sort()).toEqual([...order].sort());
    for (const group of GROUPS) {
      expect(done.filter((body) => body.startsWith(group))).toEqual([1, 2, 3].map((n) => `${group}${n}`));
    }
    expect(events.indexOf('start b3')).toBeGreaterThan(events.indexOf('done b2'));
    expect(events).toContain('fail b2');
    // The groups ran side by side, not one after another.
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(batches.length).toBeGreaterThan(1);
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  }, 30_000);
});
