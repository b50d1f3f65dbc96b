/**
 * The two functions that tell offline citizens (DeskRelay on the MessagesTable stream, TicketNotices
 * on the TicketsTable stream), invoked as Lambda invokes them, with the same stream record delivered
 * twice (a replay after a failed batch, a retried invocation): the local outbox, where the local
 * stack's SNS and SES sends land, gets one push and one SMS. The records are built here and never
 * written, so the running stack's own stream functions do not see them.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, inject, it } from 'vitest';
import { DynamoPushDeviceRepository } from '#adapters/dynamodb/push-device-repository.ts';
import { LocalPushEndpointRegistry } from '#adapters/push-endpoints.ts';
import { systemClock } from '#adapters/system.ts';
import { expiresAfterDays } from '#domain/retention.ts';
import { registerPushDevice } from '#domain/use-cases/register-push-device.ts';
import { lambdaContext } from '../../test/support/lambda-context.ts';
import { handler as deskRelay } from './desk-relay.ts';
import { handler as ticketNotices } from './ticket-notices.ts';

const outboxUrl = `${inject('localHttpUrl')}/local/outbox`;
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const env = (name: string) => process.env[name] as string;

async function outboxTo(to: string): Promise<{ channel: string; text: string }[]> {
  const { items } = (await (await fetch(outboxUrl)).json()) as {
    items: { to: string; channel: string; text: string }[];
  };
  return items.filter((item) => item.to === to);
}

function streamRecord(
  eventName: 'INSERT' | 'MODIFY',
  keys: Record<string, unknown>,
  images: { NewImage: Record<string, unknown>; OldImage?: Record<string, unknown> },
): DynamoDBRecord {
  const marshalled = (image: Record<string, unknown>) =>
    marshall(image) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventID: randomUUID(),
    eventName,
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    awsRegion: 'eu-central-1',
    dynamodb: {
      Keys: marshalled(keys),
      NewImage: marshalled(images.NewImage),
      ...(images.OldImage ? { OldImage: marshalled(images.OldImage) } : {}),
      SequenceNumber: String(randomInt(1, 2 ** 40)),
      StreamViewType: images.OldImage ? 'NEW_AND_OLD_IMAGES' : 'NEW_IMAGE',
    },
  };
}

async function putSession(item: Record<string, unknown>) {
  const now = new Date();
  await documents.send(
    new PutCommand({
      TableName: env('SESSIONS_TABLE'),
      Item: {
        lang: 'ru',
        verified: false,
        createdAt: now.toISOString(),
        expiresAt: expiresAfterDays(now, 1),
        ...item,
      },
    }),
  );
}

describe('offline notices from replayed stream records', () => {
  it("sends one push for an operator's reply and one SMS for a ticket change when each record comes twice", async () => {
    // Prepare: a guest with a push device and a conversation; a verified citizen who opted in to SMS.
    const now = new Date();
    const guestSession = randomUUID();
    await putSession({ sessionId: guestSession });
    const devices = new DynamoPushDeviceRepository(env('PUSH_DEVICES_TABLE'));
    await registerPushDevice(
      { registry: new LocalPushEndpointRegistry(), devices, clock: systemClock, retentionDays: 1 },
      {
        caller: { principalId: guestSession, sessionId: guestSession, role: 'guest', lang: 'ru' },
        platform: 'fcm',
        deviceToken: `fcm-${randomUUID()}`,
      },
    );
    const [device] = await devices.listByOwners([`session#${guestSession}`]);
    const conversationId = randomUUID();
    await documents.send(
      new PutCommand({
        TableName: env('CONVERSATIONS_TABLE'),
        Item: {
          conversationId,
          sessionId: guestSession,
          state: 'operator',
          lastSeq: 4,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          expiresAt: expiresAfterDays(now, 1),
        },
      }),
    );
    const reply = streamRecord(
      'INSERT',
      { conversationId, seq: 4 },
      {
        NewImage: {
          conversationId,
          seq: 4,
          messageId: randomUUID(),
          from: 'operator',
          senderId: `op-${randomUUID()}`,
          operatorName: 'Анна',
          text: 'Проверьте, пожалуйста, ещё раз',
          ts: now.toISOString(),
          expiresAt: expiresAfterDays(now, 1),
        },
      },
    );
    const citizenId = `cit-${randomUUID()}`;
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    await putSession({ sessionId: randomUUID(), verified: true, citizenId, smsOptIn: true, smsPhone: phone });
    const ticketId = randomUUID();
    const ticket = { ticketId, number: 'GU-20261202-4M8ZKD', citizenId, lang: 'ru' };
    const statusChange = streamRecord(
      'MODIFY',
      { ticketId },
      {
        OldImage: { ...ticket, status: 'received', version: 0 },
        NewImage: { ...ticket, status: 'in_progress', version: 1 },
      },
    );
    const event = (record: DynamoDBRecord): DynamoDBStreamEvent => ({ Records: [record] });

    // Act: each record delivered, then delivered again.
    const answers = [
      await deskRelay(event(reply), lambdaContext('DeskRelay')),
      await ticketNotices(event(statusChange), lambdaContext('TicketNotices')),
      await deskRelay(event(reply), lambdaContext('DeskRelay')),
      await ticketNotices(event(statusChange), lambdaContext('TicketNotices')),
    ];

    // Assess
    expect(answers.map((a) => a.batchItemFailures)).toEqual([[], [], [], []]);
    expect(await outboxTo(String(device?.endpointArn))).toEqual([
      expect.objectContaining({ channel: 'push', text: expect.stringContaining('Специалист ответил') }),
    ]);
    expect(await outboxTo(phone)).toEqual([
      expect.objectContaining({ channel: 'sms', text: expect.stringContaining('GU-20261202-4M8ZKD') }),
    ]);
  });
});
