/**
 * The bot worker's batch handling, invoked as Lambda invokes it (against the local stack's tables):
 * a failed job fails the rest of its conversation's group in the batch and nothing else, also when
 * two batches are processed at the same time by one instance.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../test/support/lambda-context.ts';
import { handler } from './bot-worker.ts';

/** A job for a message that does not exist: the worker drops it, which counts as done. */
function jobFor(group: string): string {
  return JSON.stringify({
    conversationId: group,
    messageId: randomUUID(),
    seq: 1,
    sessionId: randomUUID(),
    lang: 'ru',
  });
}

function record(id: string, group: string, body: string): SQSRecord {
  return {
    messageId: id,
    // Not a live receipt: shortening its redelivery delay fails, which the worker only logs.
    receiptHandle: `receipt-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      MessageGroupId: group,
      MessageDeduplicationId: id,
      SequenceNumber: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:BotQueue.fifo',
    awsRegion: 'eu-central-1',
  };
}

describe('the bot worker handler', () => {
  it('fails a broken job and the rest of its group only, with another batch running alongside', async () => {
    // Prepare
    const [g1, g2, g3] = [randomUUID(), randomUUID(), randomUUID()];
    const batchA: SQSEvent = {
      Records: [record('a1', g1, '{not json'), record('a2', g1, jobFor(g1)), record('a3', g2, jobFor(g2))],
    };
    const batchB: SQSEvent = { Records: [record('b1', g3, jobFor(g3)), record('b2', g3, jobFor(g3))] };

    // Act
    const [a, b] = await Promise.all([
      handler(batchA, lambdaContext('BotWorker')),
      handler(batchB, lambdaContext('BotWorker')),
    ]);

    // Assess
    expect(a.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1', 'a2']);
    expect(b.batchItemFailures).toEqual([]);
  });
});
