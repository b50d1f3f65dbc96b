/**
 * A citizen's erasure, end to end on the local stack (docs/requirements.md#audit-and-personal-data):
 * a citizen identified by phone (opted in to status SMS) chats with the bot, attaches a scan, asks
 * for a person (an escalation with a ticket), registers a push device, and files the portal form
 * under their name with the same phone. `npm run privacy:erase -- --phone …`, as the platform team
 * runs it, then leaves nothing of them: a Scan of EVERY table and every object of EVERY bucket finds
 * none of their phone, name, file name, message texts or the scan's bytes. What is kept is
 * anonymous (the ticket's number and statuses, the conversation's state), and the erasure itself is
 * journaled with counts and no personal data. A conversation an operator holds when its citizen is
 * erased is closed as a ticket's final move closes one: the operator's slot freed once (a second run
 * frees nothing), the operator's console told, its timers finding nothing to do.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListBucketsCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { assignedFor, goOnline, staffMember } from '../support/assignment.ts';
import { codeFromOutbox, uniqueEmail, verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { runCommand } from '../support/commands.ts';
import { frameWith } from '../support/frames.ts';
import type { Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const clients = useClients();
const { connect } = clients;
const dynamo = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamo);
const s3 = new S3Client({ forcePathStyle: true });
const env = (name: string) => process.env[name] as string;

/** A real 1×1 PNG, followed by bytes only this citizen's scan has (still a PNG by its magic number). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Every item of every table of the stack, as JSON, by table. */
async function everyItem(): Promise<{ table: string; json: string }[]> {
  const items: { table: string; json: string }[] = [];
  const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
  for (const table of TableNames) {
    for await (const page of paginateScan({ client: documents }, { TableName: table, ConsistentRead: true }))
      for (const item of page.Items ?? []) items.push({ table, json: JSON.stringify(item) });
  }
  return items;
}

/** Every object of every bucket of the stack, by bucket and key. */
async function everyObject(): Promise<{ where: string; bytes: Buffer }[]> {
  const objects: { where: string; bytes: Buffer }[] = [];
  const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
  for (const { Name: bucket } of Buckets) {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
      for (const { Key: key } of page.Contents ?? []) {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        objects.push({
          where: `${bucket}/${key}`,
          bytes: Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array())),
        });
      }
    }
  }
  return objects;
}

/** `npm run privacy:erase` as the platform team runs it; its exit code and its answer. */
async function eraseByEmail(
  email: string,
): Promise<{ code: number | null; answer: Record<string, unknown> }> {
  const erased = await runCommand(
    'npm',
    ['run', '--silent', 'privacy:erase', '--', '--email', email, '--requested-by', 'dpo-test'],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: new URL(httpUrl).port },
      timeoutMs: 60_000,
    },
  );
  const json = erased.stdout.indexOf('{\n');
  return { code: erased.code, answer: json < 0 ? {} : JSON.parse(erased.stdout.slice(json)) };
}

async function item(
  table: string,
  key: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: env(table), Key: key, ConsistentRead: true }),
  );
  return Item;
}

describe('a citizen’s erasure', () => {
  it('leaves none of their phone, name, file name, texts or bytes in any table or bucket; keeps the anonymous ticket and conversation; journals itself', {
    timeout: 90_000,
  }, async () => {
    // Prepare: a citizen, through the real protocol.
    const subscriber = String(randomInt(1_000_000, 10_000_000));
    const phone = `+7916${subscriber}`;
    const marker = randomUUID();
    const name = `Марфа Стирательная ${marker.slice(0, 8)}`;
    const fileName = `скан-паспорта-${marker}.png`;
    const scan = Buffer.concat([PNG, Buffer.from(`scan-bytes-${marker}`)]);
    const texts = [
      `мой паспорт 4510 ${subscriber.slice(0, 6)} ${marker}`,
      `вот скан ${marker}`,
      `форма портала ${marker}`,
    ];
    const citizen = await connect({ lang: 'ru' });
    await citizen.request({ action: 'auth.requestCode', phone, smsOptIn: true });
    const verified = await citizen.request({
      action: 'auth.verifyCode',
      code: await codeFromOutbox(httpUrl, phone),
    });
    expect(verified).toMatchObject({ type: 'auth.verified' });
    const first = await citizen.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: texts[0],
    });
    const conversationId = String(first.conversationId);
    const grant = (await citizen.request({
      action: 'attachment.create',
      fileName,
      contentType: 'image/png',
      size: scan.length,
    })) as Frame & { attachmentId: string; url: string; fields: Record<string, string> };
    const ready = citizen.waitFor(
      (f) => f.type === 'attachment.ready' && f.attachmentId === grant.attachmentId,
      20_000,
    );
    const form = new FormData();
    for (const [field, value] of Object.entries(grant.fields)) form.append(field, value);
    form.append('file', new Blob([scan]), 'scan.png');
    expect((await fetch(grant.url, { method: 'POST', body: form })).status).toBe(204);
    await ready;
    await citizen.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: texts[1],
      attachmentIds: [grant.attachmentId],
    });
    await citizen.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'хочу подать жалобу на сотрудника',
    });
    // The bot's intake questions, each skipped, until the conversation is queued with its ticket.
    const isQueued = (f: Frame) =>
      f.type === 'conversation.updated' && f.conversationId === conversationId && f.ticket !== undefined;
    let queued: Frame | undefined;
    for (let question = 0; question < 8 && !queued; question += 1) {
      queued = await frameWith(citizen, isQueued, 1500).catch(() => undefined);
      if (!queued)
        await citizen.request({
          action: 'message.send',
          clientMessageId: randomUUID(),
          text: `пропустить всё ${marker}`,
        });
    }
    if (!queued) throw new Error('the conversation was never queued');
    const { ticketId } = queued.ticket as { ticketId: string };
    expect(
      await citizen.request({
        action: 'push.register',
        platform: 'fcm',
        deviceToken: `fcm-${marker}-device`,
      }),
    ).toMatchObject({ type: 'push.registered' });
    const portal = await fetch(`${httpUrl}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ name, contact: phone, text: texts[2] }),
    });
    expect(portal.status).toBe(201);
    const portalTicket = (await portal.json()) as { ticketId: string };
    const needles = [phone, `916${subscriber}`, name, fileName, marker, ...texts];
    // The seeding is real: before the erasure, the tables and the bucket hold them.
    const before = await everyItem();
    expect(needles.filter((needle) => before.some((item) => item.json.includes(needle)))).toEqual(needles);
    expect((await everyObject()).some((o) => o.bytes.includes(`scan-bytes-${marker}`))).toBe(true);

    // Act
    const erased = await runCommand(
      'npm',
      [
        'run',
        '--silent',
        'privacy:erase',
        '--',
        '--phone',
        phone,
        '--requested-by',
        'dpo-test',
        '--reason',
        'citizen request 7',
      ],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: new URL(httpUrl).port },
        timeoutMs: 60_000,
      },
    );

    // Assess: the command.
    expect(erased.code, erased.stderr).toBe(0);
    const answer = JSON.parse(erased.stdout.slice(erased.stdout.indexOf('{\n'))) as {
      erasureId: string;
      counts: Record<string, number>;
    };
    expect(answer.counts).toMatchObject({
      sessions: 1,
      conversations: 1,
      tickets: 2,
      attachments: 1,
      objects: 1,
      pushDevices: 1,
      verificationRecords: 1,
    });
    expect(answer.counts.messages).toBeGreaterThanOrEqual(4);
    expect(erased.stdout).not.toContain(subscriber);

    // Assess: nothing of them in any table or any bucket.
    const after = await everyItem();
    const left = after.flatMap((item) =>
      needles.filter((needle) => item.json.includes(needle)).map((needle) => `${item.table}: ${needle}`),
    );
    expect(left).toEqual([]);
    const objects = await everyObject();
    // Every bucket was listed, the attachments' and the audit exports' among them.
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).toEqual(
      expect.arrayContaining([env('ATTACHMENTS_BUCKET'), env('AUDIT_BUCKET')]),
    );
    const leftBytes = objects.filter(
      (o) => o.bytes.includes(`scan-bytes-${marker}`) || needles.some((needle) => o.bytes.includes(needle)),
    );
    expect(leftBytes.map((o) => o.where)).toEqual([]);

    // Assess: the anonymous statistics stay: both tickets (number, status, category) and the conversation's state.
    for (const id of [ticketId, portalTicket.ticketId]) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: env('TICKETS_TABLE'), Key: { ticketId: id }, ConsistentRead: true }),
      );
      expect(Item).toMatchObject({
        number: expect.stringMatching(/^GU-/),
        status: expect.any(String),
        category: expect.any(String),
      });
      expect(Item?.citizenId ?? Item?.sessionId ?? Item?.contact ?? Item?.intake).toBeUndefined();
    }
    const { Item: conversation } = await documents.send(
      new GetCommand({
        TableName: env('CONVERSATIONS_TABLE'),
        Key: { conversationId },
        ConsistentRead: true,
      }),
    );
    expect(conversation).toMatchObject({ state: 'closed', sessionId: 'erased' });

    // Assess: the erasure is journaled, with who, why and counts, and without the citizen.
    const entry = after.find((item) => item.json.includes(answer.erasureId));
    expect(entry?.table).toBe(env('ACCESS_JOURNAL_TABLE'));
    expect(JSON.parse(entry?.json ?? '{}')).toMatchObject({
      action: 'privacy.erase',
      actor: { kind: 'platform', id: 'dpo-test' },
      reason: 'citizen request 7',
    });
  });

  it('closes a conversation an operator holds: their slot freed once, their console told, the accept timer finding nothing to do', {
    timeout: 90_000,
  }, async () => {
    // Prepare: an operator of the documents queue with one slot; a verified citizen asks about a
    // document, then for a person; the conversation is assigned to the operator, not accepted yet.
    const operator = await staffMember(clients, 'operator', 'erasure-');
    await goOnline(operator.client, ['documents'], 1);
    const email = uniqueEmail('erased-held');
    const citizen = await connect({ lang: 'ru' });
    await verifyByEmail(citizen, httpUrl, email);
    const asked = await citizen.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'как получить справку через портал',
    });
    const conversationId = String(asked.conversationId);
    await frameWith(
      citizen,
      (f) => f.type === 'message' && f.from === 'bot' && f.conversationId === conversationId,
    );
    const requested = await citizen.request({ action: 'operator.request' });
    if (requested.state === 'bot')
      await citizen.request({
        action: 'message.send',
        clientMessageId: randomUUID(),
        text: 'пропустить всё',
      });
    const assigned = await frameWith(operator.client, assignedFor(conversationId), 15_000);
    const { ticketId } = assigned.ticket as { ticketId: string };
    expect(await item('OPERATORS_TABLE', { operatorId: operator.sub })).toMatchObject({ activeChats: 1 });

    // Act
    const first = await eraseByEmail(email);
    const told = await frameWith(
      operator.client,
      (f) => f.type === 'conversation.updated' && f.conversationId === conversationId,
    );
    // Past ACCEPT_SECONDS (5 s on the test stack) from the assignment: its accept timer has fired.
    await delay(6_000);
    const second = await eraseByEmail(email);
    const heartbeat = await operator.client.request({ action: 'operator.heartbeat' });

    // Assess: the close, once.
    expect(first.code).toBe(0);
    expect(first.answer).toMatchObject({
      status: 'erased',
      operatorsReleased: 1,
      counts: { conversations: 1 },
    });
    expect(told).toMatchObject({ state: 'closed', reason: 'erased' });
    expect(second.code).toBe(0);
    expect(second.answer).toMatchObject({ operatorsReleased: 0 });
    const operatorItem = await item('OPERATORS_TABLE', { operatorId: operator.sub });
    expect(operatorItem?.activeChats).toBe(0);
    expect([...((operatorItem?.conversations as Set<string> | undefined) ?? [])]).not.toContain(
      conversationId,
    );
    expect(
      operator.client.frames.filter(
        (f) => f.type === 'conversation.updated' && f.conversationId === conversationId,
      ),
    ).toHaveLength(1);
    // The accept timer found the conversation closed: the operator was not set away, nothing requeued.
    expect(heartbeat).toMatchObject({ type: 'operator.heartbeat', status: 'online' });
    expect(operator.client.frames.some((f) => f.type === 'operator.state' && f.status === 'away')).toBe(
      false,
    );
    const conversation = await item('CONVERSATIONS_TABLE', { conversationId });
    expect(conversation).toMatchObject({ state: 'closed', sessionId: 'erased' });
    expect(conversation?.queue).toBeUndefined();
    // The ticket ended: rejected by the system, naming nobody.
    const ticket = await item('TICKETS_TABLE', { ticketId });
    expect(ticket).toMatchObject({ status: 'rejected' });
    expect((ticket?.history as { status: string; actor: string }[] | undefined)?.at(-1)).toMatchObject({
      status: 'rejected',
      actor: 'system',
    });
    expect(ticket?.citizenId ?? ticket?.sessionId ?? ticket?.intake).toBeUndefined();
  });
});
