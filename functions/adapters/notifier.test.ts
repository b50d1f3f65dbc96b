/**
 * What the AWS notifier asks SNS for an SMS. SNS's SMS delivery has no emulator, so a local HTTP
 * server answers the real SDK client as SNS does (`AWS_ENDPOINT_URL_SNS`, the SDK's own endpoint
 * setting): what is asserted is the request the client really sends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsOutOfBandNotifier } from './notifier.ts';

const published: URLSearchParams[] = [];
let server: Server;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      published.push(new URLSearchParams(raw));
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>',
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

/** The message attributes of a Publish, as `name → string value`. */
function attributesOf(body: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let i = 1; body.has(`MessageAttributes.entry.${i}.Name`); i++) {
    attributes[body.get(`MessageAttributes.entry.${i}.Name`) as string] = body.get(
      `MessageAttributes.entry.${i}.Value.StringValue`,
    ) as string;
  }
  return attributes;
}

describe('an SMS through SNS', () => {
  it('is transactional and carries the configured sender id', async () => {
    // Prepare
    published.length = 0;
    const notifier = new AwsOutOfBandNotifier('no-reply@gosuslugi.example', 'Gosuslugi');

    // Act
    await notifier.send({ channel: 'sms', to: '+79161234567', text: 'Код: 123456' });

    // Assess
    expect(published).toHaveLength(1);
    expect(published[0]?.get('PhoneNumber')).toBe('+79161234567');
    expect(attributesOf(published[0] as URLSearchParams)).toEqual({
      'AWS.SNS.SMS.SMSType': 'Transactional',
      'AWS.SNS.SMS.SenderID': 'Gosuslugi',
    });
  });

  it("leaves the sender to SNS's default where none is configured", async () => {
    // Prepare
    published.length = 0;
    const notifier = new AwsOutOfBandNotifier('no-reply@gosuslugi.example');

    // Act
    await notifier.send({ channel: 'sms', to: '+79161234567', text: 'Код: 123456' });

    // Assess
    expect(attributesOf(published[0] as URLSearchParams)).toEqual({ 'AWS.SNS.SMS.SMSType': 'Transactional' });
  });
});
