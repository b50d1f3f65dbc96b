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
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListBucketsCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, paginateScan, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it, vi } from 'vitest';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
import { HmacIdentityHasher } from '#adapters/identity-hasher.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { citizenIdKey, codeHmacKey } from '#adapters/secret-keys.ts';
import { parseDestination } from '#domain/identification.ts';
import { addDays, localMoment, officeDay, slotTimes } from '#domain/mfc/opening-hours.ts';
import { config } from '#shared/config.ts';
import { handler as privacyErase } from '../../functions/handlers/privacy-erase.ts';
import { assignedFor, goOnline, staffMember } from '../support/assignment.ts';
import { codeFromOutbox, uniqueEmail, verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { runCommand } from '../support/commands.ts';
import { frameWith } from '../support/frames.ts';
import { lambdaContext } from '../support/lambda-context.ts';
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

/** The keyed hashes a citizen is stored under, derived as PrivacyErase derives them. */
const hasher = new HmacIdentityHasher({ codeKey: codeHmacKey(config), citizenKey: citizenIdKey(config) });
async function storedUnder(who: { phone: string } | { email: string }): Promise<[string, string]> {
  const destination = parseDestination(who);
  return [await hasher.citizenId(destination), await hasher.destinationKey(destination)];
}

const directory = loadMfcDirectory(join(import.meta.dirname, '..', '..', 'layers', 'knowledge-base', 'mfc'));

/** Two slots of a working day 10 to 25 days ahead (a random one: the stack is shared). */
function slotsAhead(officeId: string, serviceId: string): { date: string; times: [string, string] } {
  const office = directory.office(officeId);
  const service = directory.service(serviceId);
  if (!office || !service) throw new Error('unknown office or service');
  const today = localMoment(new Date(), directory.regionOf(office).timeZone).date;
  for (let ahead = randomInt(10, 20); ahead < 28; ahead++) {
    const date = addDays(today, ahead);
    const times = slotTimes(officeDay(directory, office, date), service.durationMinutes);
    const first = randomInt(0, Math.max(times.length - 1, 1));
    const [one, two] = [times[first], times[first + 1]];
    if (one !== undefined && two !== undefined) return { date, times: [one, two] };
  }
  throw new Error('no working day ahead');
}

/** How many messages the local outbox holds for `to`. */
async function outboxCount(to: string): Promise<number> {
  const { items } = (await (await fetch(`${httpUrl}/local/outbox`)).json()) as { items: { to: string }[] };
  return items.filter((item) => item.to === to).length;
}

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
    // Two MFC visits: one booked ahead (its place taken), one booked and cancelled.
    const { date, times } = slotsAhead('kzn-pobedy', 'passport.replace');
    const slot = { officeId: 'kzn-pobedy', serviceId: 'passport.replace', date };
    const freeAt = async (client: typeof citizen, time: string) => {
      const { slots } = await client.request({ action: 'mfc.slots', ...slot });
      return (slots as { time: string; free: number }[]).find((s) => s.time === time)?.free;
    };
    const freeBefore = await freeAt(citizen, times[0]);
    const booked = await citizen.request({ action: 'mfc.book', ...slot, time: times[0] });
    expect(booked).toMatchObject({ type: 'mfc.visit', visit: { status: 'booked' } });
    const bookedNumber = (booked.visit as { number: string }).number;
    const other = await citizen.request({ action: 'mfc.book', ...slot, time: times[1] });
    const cancelledNumber = (other.visit as { number: string }).number;
    expect(await citizen.request({ action: 'mfc.cancel', number: cancelledNumber })).toMatchObject({
      visit: { status: 'cancelled' },
    });
    expect(await freeAt(citizen, times[0])).toBe((freeBefore ?? 0) - 1);
    // Pseudonymous leftovers count too: what is stored under the citizen's keyed hashes.
    const [citizenId, destinationKey] = await storedUnder({ phone });
    const needles = [
      phone,
      `916${subscriber}`,
      name,
      fileName,
      marker,
      ...texts,
      citizenId,
      destinationKey,
      bookedNumber,
      cancelledNumber,
    ];
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
    expect(answer.counts).toMatchObject({ visits: 2, visitQuotas: 1, visitRequests: 3 });
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

    // Assess: the booked visit's place is free again; the same phone, verified anew (the same
    // citizen id), sees none of the erased visits.
    const again = await connect({ lang: 'ru' });
    expect(await freeAt(again, times[0])).toBe(freeBefore);
    const earlierCodes = await outboxCount(phone);
    expect(await again.request({ action: 'auth.requestCode', phone, smsOptIn: false })).toMatchObject({
      type: 'auth.codeSent',
    });
    await vi.waitFor(async () => expect(await outboxCount(phone)).toBeGreaterThan(earlierCodes));
    expect(
      await again.request({ action: 'auth.verifyCode', code: await codeFromOutbox(httpUrl, phone) }),
    ).toMatchObject({ type: 'auth.verified' });
    expect(await again.request({ action: 'mfc.visits' })).toMatchObject({ type: 'mfc.visits', visits: [] });

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
  it('is finished by running it again after a failure late in its course; an object S3 did not delete fails the run', {
    timeout: 90_000,
  }, async () => {
    // Prepare: a verified citizen with a conversation (idempotency keys and limit counters name
    // their session and conversation), their own transcript in the bucket, and an MFC visit.
    const email = uniqueEmail('erased-twice');
    const citizen = await connect({ lang: 'ru' });
    await verifyByEmail(citizen, httpUrl, email);
    const marker = randomUUID();
    const sent = await citizen.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: `моя справка ${marker}`,
    });
    const conversationId = String(sent.conversationId);
    await frameWith(
      citizen,
      (f) => f.type === 'message' && f.from === 'bot' && f.conversationId === conversationId,
    );
    expect(await citizen.request({ action: 'transcript.get' })).toMatchObject({
      type: 'transcript.download',
    });
    const { date, times } = slotsAhead('kzn-baumana', 'passport.replace');
    const booked = await citizen.request({
      action: 'mfc.book',
      officeId: 'kzn-baumana',
      serviceId: 'passport.replace',
      date,
      time: times[0],
    });
    expect(booked).toMatchObject({ type: 'mfc.visit' });
    const [citizenId, destinationKey] = await storedUnder({ email });
    const { Items: sessions = [] } = await documents.send(
      new ScanCommand({
        TableName: env('SESSIONS_TABLE'),
        FilterExpression: 'citizenId = :c',
        ExpressionAttributeValues: { ':c': citizenId },
        ConsistentRead: true,
      }),
    );
    expect(sessions).toHaveLength(1);
    const sessionId = String(sessions[0]?.sessionId);
    // The e-mail itself is stored masked or not at all; what is stored under it, by its hashes.
    const stored = [marker, citizenId, destinationKey, sessionId];
    const needles = [email, ...stored];
    const before = await everyItem();
    expect(stored.filter((needle) => before.some((i) => i.json.includes(needle)))).toEqual(stored);
    // The conversation's own counters and keys name the session: the trail a rerun needs.
    expect(
      before.some(
        (i) =>
          [env('LIMITS_TABLE'), env('IDEMPOTENCY_TABLE')].includes(i.table) && i.json.includes(sessionId),
      ),
    ).toBe(true);
    const transcripts = `transcripts/${citizenId}/`;
    const transcriptObjects = async () =>
      (await everyObject()).filter((o) => o.where.startsWith(`${env('ATTACHMENTS_BUCKET')}/${transcripts}`));
    expect(await transcriptObjects()).toHaveLength(1);
    const request = { email, requestedBy: 'dpo-test', reason: 'citizen request 9' };

    // Act 1: S3 answers DeleteObjects with an error for the transcript (a partial failure the
    // emulator cannot produce: the real client's send is wrapped to answer it once, deleting nothing).
    const realS3Send = S3Client.prototype.send;
    const s3Fault = vi.spyOn(S3Client.prototype, 'send').mockImplementation(function (
      this: S3Client,
      command: unknown,
      ...rest: unknown[]
    ) {
      if (command instanceof DeleteObjectsCommand) {
        s3Fault.mockRestore();
        const Key = command.input.Delete?.Objects?.[0]?.Key;
        return Promise.resolve({ Errors: [{ Key, Code: 'InternalError', Message: 'injected' }] });
      }
      return (realS3Send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    const first = privacyErase(request, lambdaContext('PrivacyErase'));
    await expect(first).rejects.toThrow(/1 of 1 objects not deleted \(InternalError\)/);
    s3Fault.mockRestore();

    // Act 2: DynamoDB fails the Scan for the idempotency keys (the real document client's send
    // wrapped to throw once): a late step, after the messages and visits' trail is half gone.
    const realSend = documentClient.send;
    const dynamoFault = vi.spyOn(documentClient, 'send').mockImplementation(function (
      this: typeof documentClient,
      command: unknown,
      ...rest: unknown[]
    ) {
      if (command instanceof ScanCommand && command.input.TableName === env('IDEMPOTENCY_TABLE')) {
        dynamoFault.mockRestore();
        return Promise.reject(new Error('injected: ProvisionedThroughputExceededException'));
      }
      return (realSend as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    const second = privacyErase(request, lambdaContext('PrivacyErase'));
    await expect(second).rejects.toThrow(/injected/);
    dynamoFault.mockRestore();

    // Act 3: run again, no fault.
    const third = (await privacyErase(request, lambdaContext('PrivacyErase'))) as {
      status: string;
      counts: { limitCounters: number; idempotencyKeys: number };
    };

    // Assess: the third run finished what the first two left, and nothing of the citizen is left.
    const after = await everyItem();
    const left = after.flatMap((i) =>
      needles.filter((needle) => i.json.includes(needle)).map((needle) => `${i.table}: ${needle}`),
    );
    expect(left).toEqual([]);
    // The sessions (the trail a rerun starts from) were deleted by the last run only.
    expect(third).toMatchObject({ status: 'erased', counts: { sessions: 1, conversations: 1 } });
    expect(third.counts.limitCounters + third.counts.idempotencyKeys).toBeGreaterThan(0);
    expect(await transcriptObjects()).toEqual([]);
    expect(await item('CONVERSATIONS_TABLE', { conversationId })).toMatchObject({
      state: 'closed',
      sessionId: 'erased',
    });
  });
});
