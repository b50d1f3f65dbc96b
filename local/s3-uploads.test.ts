/**
 * The local upload endpoint's policy check against policies the real `@aws-sdk/s3-presigned-post`
 * signs (nothing running: the signature is computed locally), each refusal worded as S3 words it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from './s3-uploads.ts';

const settings = { region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const client = new S3Client({ ...settings, endpoint: 'http://127.0.0.1:1/local/s3', forcePathStyle: true });

async function grant(expiresInSeconds = 300) {
  const { fields } = await createPresignedPost(client, {
    Bucket: 'attachments',
    Key: 'attachments/c-1/a-1',
    Fields: { 'Content-Type': 'image/png' },
    Conditions: [['content-length-range', 1, 1000]],
    Expires: expiresInSeconds,
  });
  return new Map(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]));
}

const refusal = (fields: Map<string, string>, size: number, now = new Date()) => {
  try {
    checkPolicy(fields, size, 'attachments', settings, now);
    return undefined;
  } catch (error) {
    return error as { status: number; code: string; message: string };
  }
};

describe('the POST policy check of the local upload endpoint', () => {
  it('admits the upload the policy grants', async () => {
    expect(refusal(await grant(), 1000)).toBeUndefined();
  });

  it.each([
    ['another key', 'key', 'attachments/c-1/other'],
    ['another content type', 'content-type', 'text/html'],
    ['another bucket', 'bucket', 'elsewhere'],
  ])('refuses %s with AccessDenied naming the failed condition', async (_, field, value) => {
    const fields = (await grant()).set(field, value);
    expect(refusal(fields, 10)).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: expect.stringContaining('Policy Condition failed'),
    });
  });

  it('refuses a field the policy does not name', async () => {
    expect(refusal((await grant()).set('acl', 'public-read'), 10)).toMatchObject({
      status: 403,
      message: 'Invalid according to Policy: Extra input fields: acl',
    });
  });

  it('refuses a body over the range with EntityTooLarge and an empty one with EntityTooSmall', async () => {
    const fields = await grant();
    expect(refusal(fields, 1001)).toMatchObject({ status: 400, code: 'EntityTooLarge' });
    expect(refusal(fields, 0)).toMatchObject({ status: 400, code: 'EntityTooSmall' });
  });

  it('refuses an expired policy', async () => {
    const fields = await grant(60);
    expect(refusal(fields, 10, new Date(Date.now() + 61_000))).toMatchObject({
      status: 403,
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  it('refuses a policy changed after signing (SignatureDoesNotMatch)', async () => {
    const fields = await grant();
    const policy = JSON.parse(Buffer.from(fields.get('policy') ?? '', 'base64').toString('utf8'));
    policy.conditions.push(['content-length-range', 1, 10 ** 9]);
    fields.set('policy', Buffer.from(JSON.stringify(policy)).toString('base64'));
    expect(refusal(fields, 10)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });
});
