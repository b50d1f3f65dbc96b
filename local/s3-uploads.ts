/**
 * What S3 does for a browser's presigned POST and the emulator does not (docs/local-stack.md):
 * `POST /local/s3/{bucket}` checks the upload the way S3 does — the SigV4 signature of the policy,
 * its expiry, every condition (exact fields, `starts-with`, `content-length-range`), and that no
 * field came that the policy does not name — and answers S3's error XML when one fails. An upload
 * that passes is stored in the emulator (fauxqs), and the bucket's `Object Created` event, in the
 * shape EventBridge delivers it, is put on the queue of every rule of the template that listens for
 * it: the same handler then judges it as in AWS (functions/handlers/attachment-check.ts).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { readBody } from './http-server.ts';

/** The largest upload any policy of the chat admits (10 MB), plus room for the form's other fields. */
const MAX_FORM_BYTES = 10 * 1024 * 1024 + 64 * 1024;

/** Form fields S3 never asks the policy about. */
const UNCHECKED_FIELDS = new Set(['policy', 'x-amz-signature', 'file']);

export interface UploadTarget {
  bucketName: string;
  /** The queues the bucket's `Object Created` events go to, each for keys under a prefix. */
  eventQueues: { queueUrl: string; keyPrefix: string }[];
}

export interface S3UploadSettings {
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The emulator (fauxqs) serving S3 and SQS. */
  endpoint: string;
}

/** A refusal the way S3 words it: HTTP status, error code, message. */
class S3Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const policySchema = z.object({
  expiration: z.iso.datetime(),
  conditions: z.array(
    z.union([z.record(z.string(), z.string()), z.array(z.union([z.string(), z.number()]))]),
  ),
});

/** The handler of `POST /local/s3/{bucket}` for one bucket. */
export function s3UploadEndpoint(target: UploadTarget, settings: S3UploadSettings) {
  const s3 = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: settings.credentials,
    forcePathStyle: true,
  });
  const sqs = new SQSClient({
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: settings.credentials,
  });

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const form = await readForm(request);
      const file = form.get('file');
      if (!(file instanceof File))
        throw new S3Refusal(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
      const fields = textFields(form);
      checkPolicy(fields, file.size, target.bucketName, settings, new Date());

      const key = fields.get('key') ?? '';
      const body = new Uint8Array(await file.arrayBuffer());
      const contentType = fields.get('content-type');
      const stored = await s3.send(
        new PutObjectCommand({
          Bucket: target.bucketName,
          Key: key,
          Body: body,
          ...(contentType === undefined ? {} : { ContentType: contentType }),
        }),
      );
      await announce(sqs, target, settings, {
        key,
        size: body.length,
        etag: stored.ETag,
        versionId: stored.VersionId,
      });
      response.writeHead(204, { etag: stored.ETag ?? '', location: `/${target.bucketName}/${key}` }).end();
    } catch (error) {
      if (!(error instanceof S3Refusal)) throw error;
      s3ErrorXml(response, error);
    }
  };
}

async function readForm(request: IncomingMessage): Promise<FormData> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new S3Refusal(
      412,
      'PreconditionFailed',
      'Bucket POST must be of the enclosure-type multipart/form-data',
    );
  }
  const body = await readBody(request, MAX_FORM_BYTES);
  if (!body)
    throw new S3Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  // The platform's own multipart parser (undici's), as fetch's Response.formData() uses it.
  return new Response(body, { headers: { 'content-type': contentType } }).formData();
}

/** The text fields by lower-cased name (S3 matches field names without regard to case). */
function textFields(form: FormData): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields.set(name.toLowerCase(), value);
  }
  return fields;
}

/** Throws the refusal S3 would answer, or returns when the upload is what the policy granted. */
export function checkPolicy(
  fields: ReadonlyMap<string, string>,
  fileSize: number,
  bucketName: string,
  settings: Pick<S3UploadSettings, 'region' | 'credentials'>,
  now: Date,
): void {
  const encodedPolicy = fields.get('policy');
  const signature = fields.get('x-amz-signature');
  const credential = fields.get('x-amz-credential');
  if (!encodedPolicy || !signature || !credential) {
    throw new S3Refusal(403, 'AccessDenied', 'Access Denied');
  }
  const [accessKeyId, date, region, service, terminal] = credential.split('/');
  if (accessKeyId !== settings.credentials.accessKeyId) {
    throw new S3Refusal(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  }
  if (!date || region !== settings.region || service !== 's3' || terminal !== 'aws4_request') {
    throw new S3Refusal(
      400,
      'AuthorizationQueryParametersError',
      'Error parsing the X-Amz-Credential parameter.',
    );
  }
  const expected = sigV4(settings.credentials.secretAccessKey, date, region, encodedPolicy);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Refusal(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }

  const parsed = policySchema.safeParse(JSON.parse(Buffer.from(encodedPolicy, 'base64').toString('utf8')));
  if (!parsed.success) throw new S3Refusal(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  const policy = parsed.data;
  if (new Date(policy.expiration).getTime() <= now.getTime()) {
    throw new S3Refusal(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  }

  const withBucket = new Map(fields).set('bucket', fields.get('bucket') ?? bucketName);
  const named = new Set<string>();
  for (const condition of policy.conditions) {
    const failed = (): never => {
      throw new S3Refusal(
        403,
        'AccessDenied',
        `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
      );
    };
    if (!Array.isArray(condition)) {
      for (const [name, value] of Object.entries(condition)) {
        named.add(name.toLowerCase());
        if (withBucket.get(name.toLowerCase()) !== value) failed();
      }
      continue;
    }
    const [operator, first, second] = condition;
    if (operator === 'content-length-range') {
      if (fileSize > Number(second)) {
        throw new S3Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      }
      if (fileSize < Number(first)) {
        throw new S3Refusal(
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed size',
        );
      }
      continue;
    }
    const name = String(first).replace(/^\$/, '').toLowerCase();
    named.add(name);
    const value = withBucket.get(name) ?? '';
    if (operator === 'eq' && value !== String(second)) failed();
    if (operator === 'starts-with' && !value.startsWith(String(second))) failed();
    if (operator !== 'eq' && operator !== 'starts-with') failed();
  }

  const extra = [...fields.keys()].filter(
    (name) => !UNCHECKED_FIELDS.has(name) && !name.startsWith('x-ignore-') && !named.has(name),
  );
  if (extra.length > 0) {
    throw new S3Refusal(
      403,
      'AccessDenied',
      `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`,
    );
  }
}

/** The POST policy's SigV4 signature: HMAC-SHA256 of the base64 policy with the day's signing key. */
function sigV4(secret: string, date: string, region: string, encodedPolicy: string): Buffer {
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  return hmac(signingKey, encodedPolicy);
}

/** Puts the `Object Created` event, as EventBridge delivers it to an SQS target, on each listening queue. */
async function announce(
  sqs: SQSClient,
  target: UploadTarget,
  settings: S3UploadSettings,
  object: { key: string; size: number; etag: string | undefined; versionId: string | undefined },
): Promise<void> {
  const event = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: settings.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: settings.region,
    resources: [`arn:aws:s3:::${target.bucketName}`],
    detail: {
      version: '0',
      bucket: { name: target.bucketName },
      object: {
        key: object.key,
        size: object.size,
        ...(object.etag === undefined ? {} : { etag: object.etag.replaceAll('"', '') }),
        ...(object.versionId === undefined ? {} : { 'version-id': object.versionId }),
        sequencer: Date.now().toString(16).toUpperCase(),
      },
      'request-id': randomUUID(),
      requester: settings.accountId,
      reason: 'PostObject',
    },
  };
  for (const queue of target.eventQueues) {
    if (!object.key.startsWith(queue.keyPrefix)) continue;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: JSON.stringify(event) }));
  }
}

function s3ErrorXml(response: ServerResponse, refusal: S3Refusal): void {
  const xmlText = (text: string) =>
    text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
  response.writeHead(refusal.status, { 'content-type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${xmlText(
      refusal.message,
    )}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
  );
}
