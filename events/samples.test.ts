/**
 * The sample events in `events/samples/` are the shapes API Gateway and Lambda deliver (and the
 * local gateway reproduces). These tests keep them parseable by the contracts they exercise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { fromMessageItem } from '#adapters/dynamodb/message-body.ts';
import { callerSchema } from './authorizer-context.ts';
import { botJobSchema } from './bot-job.ts';
import {
  helloFrameSchema,
  historyGetFrameSchema,
  messageSendFrameSchema,
  operatorRequestFrameSchema,
  suggestFrameSchema,
} from './client-frames.ts';
import { operatorReplyFrameSchema, pushRegisterFrameSchema, typingFrameSchema } from './desk-frames.ts';
import { authRequestCodeFrameSchema, authVerifyCodeFrameSchema } from './identification.ts';
import { messageStreamRecordSchema } from './message-stream-record.ts';
import { operatorStatusFrameSchema } from './operator-frames.ts';
import { timerMessageSchema } from './timers.ts';

const sample = (name: string): Record<string, unknown> & { requestContext: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'samples', name), 'utf8'));

describe('sample events', () => {
  it.each([
    'connect.json',
    'disconnect.json',
    'default.json',
    'hello.json',
    'message-send.json',
    'history-get.json',
    'suggest.json',
    'operator-request.json',
    'auth-request-code.json',
    'auth-verify-code.json',
    'operator-status.json',
    'operator-reply.json',
    'typing.json',
    'push-register.json',
  ])('carries a valid authorizer context in %s', (name) => {
    // Prepare
    const event = sample(name);

    // Act
    const caller = callerSchema.safeParse(event.requestContext.authorizer);

    // Assess
    expect(caller.success).toBe(true);
    expect(event.requestContext).toMatchObject({
      connectionId: expect.any(String),
      domainName: expect.any(String),
      stage: expect.any(String),
      routeKey: expect.any(String),
      eventType: expect.any(String),
    });
  });

  it.each([
    ['hello.json', helloFrameSchema],
    ['message-send.json', messageSendFrameSchema],
    ['history-get.json', historyGetFrameSchema],
    ['suggest.json', suggestFrameSchema],
    ['operator-request.json', operatorRequestFrameSchema],
    ['auth-request-code.json', authRequestCodeFrameSchema],
    ['auth-verify-code.json', authVerifyCodeFrameSchema],
    ['operator-status.json', operatorStatusFrameSchema],
    ['operator-reply.json', operatorReplyFrameSchema],
    ['typing.json', typingFrameSchema],
    ['push-register.json', pushRegisterFrameSchema],
  ] as const)('holds a frame that its route accepts in %s', (name, schema) => {
    // Prepare
    const event = sample(name);

    // Act
    const frame = schema.safeParse(JSON.parse(String(event.body)));

    // Assess
    expect(frame.success).toBe(true);
  });

  it('holds bot jobs grouped by conversation and deduplicated by message id in the SQS FIFO batch', () => {
    // Prepare
    const { Records } = sample('bot-worker-sqs.json') as unknown as {
      Records: { body: string; attributes: Record<string, string> }[];
    };

    // Act
    const jobs = Records.map((record) => ({ job: botJobSchema.parse(JSON.parse(record.body)), record }));

    // Assess
    for (const { job, record } of jobs) {
      expect(record.attributes.MessageGroupId).toBe(job.conversationId);
      expect(record.attributes.MessageDeduplicationId).toBe(job.messageId);
      expect(record.attributes.SequenceNumber).toMatch(/^\d+$/);
      expect(record.attributes.ApproximateReceiveCount).toBe('1');
    }
  });

  it('holds every kind of timer and signal in the SQS batch the timer consumer receives', () => {
    // Prepare
    const { Records } = sample('timer-consumer-sqs.json') as unknown as { Records: { body: string }[] };

    // Act
    const timers = Records.map((record) => timerMessageSchema.parse(JSON.parse(record.body)));

    // Assess
    expect(timers.map((timer) => timer.kind)).toEqual([
      'sla.assign',
      'operator.grace',
      'operator.freed',
      'queue.arrival',
    ]);
  });

  it('asks the authorizer about an upgrade with its methodArn and query parameters', () => {
    // Prepare
    const event = sample('authorizer-request.json');

    // Act
    const { type, methodArn, queryStringParameters } = event;

    // Assess
    expect(type).toBe('REQUEST');
    expect(methodArn).toMatch(/^arn:aws:execute-api:[^:]+:\d{12}:[^/]+\/[^/]+\/\$connect$/);
    expect(queryStringParameters).toEqual({ lang: 'ru' });
  });

  it('parses the MessagesTable stream record the bot outbox receives into the fields of a bot job', () => {
    // Prepare
    const [record] = (sample('bot-outbox-stream.json') as unknown as { Records: unknown[] }).Records;

    // Act
    const parsed = messageStreamRecordSchema.parse(record).dynamodb.NewImage;

    // Assess
    expect(parsed).toMatchObject({ seq: 1, from: 'citizen', lang: 'ru', outbox: 'bot' });
    expect(botJobSchema.safeParse(parsed).success).toBe(true);
  });

  it('holds the MessagesTable stream records DeskRelay receives: a citizen message to the operator, an operator reply, a long one stored compressed', () => {
    // Prepare
    const { Records } = sample('desk-relay-stream.json') as unknown as {
      Records: { dynamodb: { NewImage: Record<string, AttributeValue> } }[];
    };

    // Act
    const messages = Records.map((record) => fromMessageItem(unmarshall(record.dynamodb.NewImage)));

    // Assess
    expect(messages.map((m) => [m.seq, m.from])).toEqual([
      [7, 'citizen'],
      [8, 'operator'],
      [9, 'operator'],
    ]);
    expect(Records[0]?.dynamodb.NewImage.outbox).toEqual({ S: 'operator' });
    expect(messages[1]?.operatorName).toBe('Анна Смирнова');
    expect(Records[2]?.dynamodb.NewImage.text).toBeUndefined();
    expect(messages[2]?.text).toMatch(/^Проверила вашу учётную запись: .* я останусь в чате\.$/);
  });
});
