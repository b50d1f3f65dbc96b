/**
 * Attachments end to end on the local stack with the real emulator (docs/protocol.md#attachments):
 * `attachment.create` presigns a POST, the browser-like upload goes to the local stack's
 * policy-checking endpoint in front of fauxqs, the `Object Created` event reaches AttachmentCheck
 * through its queue, and the uploader hears `attachment.ready` or `attachment.rejected`. Only a ready
 * attachment of the citizen's own conversation goes into `message.send`; the assigned operator sees
 * it with the message and opens it through `attachment.url`; nobody else may.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { S3AttachmentBucket } from '#adapters/attachment-bucket.ts';
import { MAX_ATTACHMENT_BYTES } from '#events/attachments.ts';
import { useClients } from '../support/clients.ts';
import { createAndSignIn } from '../support/operator-sign-in.ts';
import { storedMessages } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const env = (name: string) => process.env[name] as string;
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({ forcePathStyle: true });

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** The EICAR anti-virus test file, assembled here so this source is not flagged itself. */
const EICAR = Buffer.from(
  ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''),
  'latin1',
);

interface UploadGrant {
  attachmentId: string;
  url: string;
  fields: Record<string, string>;
}

/** Posts `bytes` with the grant's fields, as a browser form would (the file last). */
async function upload(grant: Pick<UploadGrant, 'url' | 'fields'>, bytes: Buffer, fields = grant.fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), 'scan.bin');
  const response = await fetch(grant.url, { method: 'POST', body: form });
  return { status: response.status, body: await response.text() };
}

async function storedAttachment(attachmentId: string) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: env('ATTACHMENTS_TABLE'), Key: { attachmentId }, ConsistentRead: true }),
  );
  return Item;
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.send(new GetObjectCommand({ Bucket: env('ATTACHMENTS_BUCKET'), Key: key }));
    return true;
  } catch {
    return false;
  }
}

const verdictFor = (attachmentId: string) => (f: Frame) =>
  (f.type === 'attachment.ready' || f.type === 'attachment.rejected') && f.attachmentId === attachmentId;

describe('attachments (local stack)', () => {
  const clients = useClients();

  /** A guest citizen with an open conversation (its first message sent). */
  async function citizenWithConversation(): Promise<{ citizen: ChatClient; conversationId: string }> {
    const citizen = await clients.connect({ lang: 'ru' });
    await citizen.request({ action: 'hello' });
    const ack = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-1',
      text: 'здравствуйте',
    });
    return { citizen, conversationId: String(ack.conversationId) };
  }

  async function create(citizen: ChatClient, fileName: string, contentType: string, size: number) {
    return citizen.request({ action: 'attachment.create', fileName, contentType, size });
  }

  async function uploaded(citizen: ChatClient, contentType: string, bytes: Buffer) {
    const grant = (await create(citizen, 'скан паспорта', contentType, bytes.length)) as Frame & UploadGrant;
    expect(grant.type).toBe('attachment.upload');
    const verdict = citizen.waitFor(verdictFor(grant.attachmentId), 20_000);
    expect((await upload(grant, bytes)).status).toBe(204);
    return { grant, verdict: await verdict };
  }

  /** Hands the conversation to a fresh operator, as the assignment writes it. */
  async function assignOperator(conversationId: string): Promise<ChatClient> {
    const signedIn = await createAndSignIn(httpUrl, `att-${randomUUID().slice(0, 8)}`, ['operator']);
    const operator = await clients.connect({ token: signedIn.idToken });
    await documents.send(
      new UpdateCommand({
        TableName: env('CONVERSATIONS_TABLE'),
        Key: { conversationId },
        UpdateExpression:
          'SET #state = :operator, operatorId = :sub, operatorName = :name, assignedAt = :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':operator': 'operator',
          ':sub': signedIn.sub,
          ':name': 'Оператор',
          ':now': new Date().toISOString(),
        },
      }),
    );
    return operator;
  }

  it('takes a PNG, shows it to the assigned operator with the message, and refuses its URL to strangers', async () => {
    // Prepare
    const { citizen, conversationId } = await citizenWithConversation();
    const { grant, verdict } = await uploaded(citizen, 'image/png', PNG);
    const operator = await assignOperator(conversationId);

    // Act
    const relayed = operator.waitFor(
      (f) => f.type === 'message' && f.conversationId === conversationId,
      10_000,
    );
    const ack = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-2',
      text: 'вот скан',
      attachmentIds: [grant.attachmentId],
    });
    const message = await relayed;
    const download = await operator.request({ action: 'attachment.url', attachmentId: grant.attachmentId });
    const alias = await citizen.request({ action: 'attachment.get', attachmentId: grant.attachmentId });
    const stranger = await clients.connect({ lang: 'ru' });
    const strangerAnswer = await stranger.request({
      action: 'attachment.url',
      attachmentId: grant.attachmentId,
    });
    const otherOperator = await clients.connect({
      token: (await createAndSignIn(httpUrl, `att-${randomUUID().slice(0, 8)}`, ['operator'])).idToken,
    });
    const otherOperatorAnswer = await otherOperator.request({
      action: 'attachment.url',
      attachmentId: grant.attachmentId,
    });

    // Assess
    expect(verdict).toMatchObject({
      type: 'attachment.ready',
      attachmentId: grant.attachmentId,
      conversationId,
      contentType: 'image/png',
      fileName: 'скан паспорта',
    });
    expect(ack.type).toBe('message.ack');
    expect(message).toMatchObject({ from: 'citizen', text: 'вот скан', attachments: [grant.attachmentId] });
    expect(download).toMatchObject({ type: 'attachment.download', attachmentId: grant.attachmentId });
    expect(Number(download.expiresIn)).toBeLessThanOrEqual(300);
    const bytes = Buffer.from(await (await fetch(String(download.url))).arrayBuffer());
    expect(bytes.equals(PNG)).toBe(true);
    // The citizen opens it too, under the alias `attachment.get`.
    expect(alias).toMatchObject({ type: 'attachment.download', attachmentId: grant.attachmentId });
    expect(Buffer.from(await (await fetch(String(alias.url))).arrayBuffer()).equals(PNG)).toBe(true);
    expect(strangerAnswer).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(otherOperatorAnswer).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(JSON.stringify(strangerAnswer)).not.toContain('http');
    // The operator's read is in the access journal; the citizen's own and the refused ones are not.
    const { Items: journal = [] } = await documents.send(
      new QueryCommand({
        TableName: env('ACCESS_JOURNAL_TABLE'),
        KeyConditionExpression: '#day = :day',
        FilterExpression: 'subject.attachmentId = :id',
        ExpressionAttributeNames: { '#day': 'day' },
        ExpressionAttributeValues: {
          ':day': new Date().toISOString().slice(0, 10),
          ':id': grant.attachmentId,
        },
        ConsistentRead: true,
      }),
    );
    expect(journal.map((entry) => [entry.action, entry.actor.kind])).toEqual([
      ['attachment.url', 'operator'],
    ]);
  });

  it('rejects a PNG declared as a PDF, deletes it, and refuses its id in a message', async () => {
    // Prepare
    const { citizen, conversationId } = await citizenWithConversation();

    // Act
    const { grant, verdict } = await uploaded(citizen, 'application/pdf', PNG);
    const send = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-2',
      text: 'вот скан',
      attachmentIds: [grant.attachmentId],
    });
    const asked = await citizen.request({ action: 'attachment.url', attachmentId: grant.attachmentId });

    // Assess
    expect(asked).toMatchObject({
      type: 'error',
      code: 'CONFLICT',
      details: [{ field: 'attachmentId', problem: 'rejected: type_mismatch' }],
    });
    expect(verdict).toEqual({
      type: 'attachment.rejected',
      attachmentId: grant.attachmentId,
      conversationId,
      reason: 'type_mismatch',
    });
    expect(await objectExists(`attachments/${conversationId}/${grant.attachmentId}`)).toBe(false);
    expect(send).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect((await storedMessages(conversationId)).some((m) => m.clientMessageId === 'c-2')).toBe(false);
  });

  it('rejects the EICAR test file as malware', async () => {
    // Prepare
    const { citizen, conversationId } = await citizenWithConversation();

    // Act
    const { grant, verdict } = await uploaded(citizen, 'application/pdf', EICAR);

    // Assess
    expect(verdict).toMatchObject({ type: 'attachment.rejected', reason: 'malware' });
    expect(await objectExists(`attachments/${conversationId}/${grant.attachmentId}`)).toBe(false);
    expect(await storedAttachment(grant.attachmentId)).toMatchObject({
      status: 'rejected',
      rejection: 'malware',
    });
  });

  it('deletes other bytes posted again with the presigned POST of an attachment already judged', async () => {
    // Prepare
    const { citizen, conversationId } = await citizenWithConversation();
    const { grant, verdict } = await uploaded(citizen, 'image/png', PNG);
    const key = `attachments/${conversationId}/${grant.attachmentId}`;

    // Act: the same policy (still valid) used again, with the EICAR file.
    const again = await upload(grant, EICAR);

    // Assess: the check deletes it (locally the emulator keeps no versions, so the key is empty;
    // in AWS the deleted version leaves the judged one current).
    expect(verdict.type).toBe('attachment.ready');
    expect(again.status).toBe(204);
    const deadline = Date.now() + 15_000;
    while ((await objectExists(key)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await objectExists(key)).toBe(false);
    expect(await storedAttachment(grant.attachmentId)).toMatchObject({ status: 'ready' });
  });

  it('refuses 10 MB + 1 byte by the policy, as S3 does, and stores nothing', async () => {
    // Prepare
    const { citizen, conversationId } = await citizenWithConversation();
    const grant = (await create(citizen, 'big.png', 'image/png', MAX_ATTACHMENT_BYTES)) as Frame &
      UploadGrant;
    const tooBig = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1);
    PNG.copy(tooBig);

    // Act
    const answer = await upload(grant, tooBig);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<Code>EntityTooLarge</Code>');
    expect(await objectExists(`attachments/${conversationId}/${grant.attachmentId}`)).toBe(false);
    expect(await storedAttachment(grant.attachmentId)).toMatchObject({ status: 'pending' });
  });

  it('refuses an upload to a key, or of a type, the policy did not grant, and an expired one', async () => {
    // Prepare
    const { citizen, conversationId } = await citizenWithConversation();
    const grant = (await create(citizen, 'a.png', 'image/png', PNG.length)) as Frame & UploadGrant;
    const otherKey = `attachments/${conversationId}/${randomUUID()}`;
    const expired = await new S3AttachmentBucket({
      bucketName: env('ATTACHMENTS_BUCKET'),
      uploadEndpoint: env('ATTACHMENT_UPLOAD_ENDPOINT'),
    }).presignUpload({ key: otherKey, contentType: 'image/png', maxBytes: PNG.length, expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Act
    const wrongKey = await upload(grant, PNG, { ...grant.fields, key: otherKey });
    const wrongType = await upload(grant, PNG, { ...grant.fields, 'Content-Type': 'text/html' });
    const extraField = await upload(grant, PNG, { ...grant.fields, acl: 'public-read' });
    const late = await upload(expired, PNG);

    // Assess
    for (const refused of [wrongKey, wrongType, extraField, late]) {
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('<Code>AccessDenied</Code>');
    }
    expect(wrongKey.body).toContain('Policy Condition failed');
    expect(late.body).toContain('Policy expired');
    expect(await objectExists(otherKey)).toBe(false);
    expect(await objectExists(`attachments/${conversationId}/${grant.attachmentId}`)).toBe(false);
  });

  it.each([
    ['a type that is not PDF, JPEG or PNG', { contentType: 'image/gif', size: 10 }, 'BAD_REQUEST'],
    ['a file over 10 MB', { contentType: 'image/png', size: MAX_ATTACHMENT_BYTES + 1 }, 'PAYLOAD_TOO_LARGE'],
    ['an empty file', { contentType: 'image/png', size: 0 }, 'BAD_REQUEST'],
    [
      'a conversation that does not exist',
      { contentType: 'image/png', size: 10, conversationId: 'x' },
      'NOT_FOUND',
    ],
  ])('answers attachment.create for %s with a protocol error and stores nothing', async (_, fields, code) => {
    // Prepare
    const { citizen } = await citizenWithConversation();

    // Act
    const answer = await citizen.request({ action: 'attachment.create', fileName: 'f', ...fields });

    // Assess
    expect(answer).toMatchObject({ type: 'error', code });
    expect(answer.attachmentId).toBeUndefined();
  });

  it('allows at most 5 uploads per conversation and hour', async () => {
    // Prepare
    const { citizen } = await citizenWithConversation();
    for (let i = 0; i < 5; i++) {
      expect((await create(citizen, `p${i}.png`, 'image/png', 100)).type).toBe('attachment.upload');
    }

    // Act
    const sixth = await create(citizen, 'p5.png', 'image/png', 100);

    // Assess
    expect(sixth).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0);
  });

  it("refuses someone else's attachment, and a pending one, in message.send and stores nothing", async () => {
    // Prepare
    const owner = await citizenWithConversation();
    const { grant } = await uploaded(owner.citizen, 'image/png', PNG);
    const pending = (await create(owner.citizen, 'later.png', 'image/png', 100)) as Frame & UploadGrant;
    const other = await citizenWithConversation();

    // Act
    const foreign = await other.citizen.request({
      action: 'message.send',
      clientMessageId: 'c-2',
      text: 'чужой файл',
      attachmentIds: [grant.attachmentId],
    });
    const notReady = await owner.citizen.request({
      action: 'message.send',
      clientMessageId: 'c-2',
      text: 'ещё не загружен',
      attachmentIds: [pending.attachmentId],
    });

    // Assess
    expect(foreign).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect(notReady).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect((await storedMessages(other.conversationId)).some((m) => m.clientMessageId === 'c-2')).toBe(false);
    expect((await storedMessages(owner.conversationId)).some((m) => m.clientMessageId === 'c-2')).toBe(false);
  });
});
