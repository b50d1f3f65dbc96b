/**
 * SNS platform endpoints. No emulator implements SNS mobile push (fauxqs has no platform
 * applications), so a local HTTP server answers the real SDK client as SNS documents it: what is
 * asserted is the request the client really sends, and the "already exists with the same Token, but
 * different attributes" fault, which only SNS produces.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatError } from '#domain/errors.ts';
import { AwsOutOfBandNotifier, OutOfBandDeliveryError } from './notifier.ts';
import { LocalPushEndpointRegistry, NotifierPushSender, SnsPushEndpointRegistry } from './push-endpoints.ts';

const FCM_APP = 'arn:aws:sns:eu-central-1:123456789012:app/GCM/support-chat';
const ENDPOINT = 'arn:aws:sns:eu-central-1:123456789012:endpoint/GCM/support-chat/0b1c';

/**
 * An SNS client whose requests reach a local HTTP server that answers with `answer` (by action).
 * Closed after each test.
 */
async function snsAnswering(
  answer: (action: string, body: URLSearchParams) => { status: number; body: string },
) {
  const sent: { action: string; body: URLSearchParams }[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const body = new URLSearchParams(raw);
      const action = body.get('Action') ?? '';
      sent.push({ action, body });
      const reply = answer(action, body);
      response.writeHead(reply.status, { 'content-type': 'text/xml' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const client = new SNSClient({
    region: 'eu-central-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return { client, sent };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const created = (arn: string) =>
  `<CreatePlatformEndpointResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreatePlatformEndpointResult><EndpointArn>${arn}</EndpointArn></CreatePlatformEndpointResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreatePlatformEndpointResponse>`;
const exists = (arn: string) =>
  `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: Token Reason: Endpoint ${arn} already exists with the same Token, but different attributes.</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const attributesSet =
  '<SetEndpointAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SetEndpointAttributesResponse>';

describe('SNS push endpoints', () => {
  it('creates the endpoint of a token on the platform application', async () => {
    // Prepare
    const { client, sent } = await snsAnswering(() => ({ status: 200, body: created(ENDPOINT) }));
    const registry = new SnsPushEndpointRegistry({ fcm: FCM_APP }, client);

    // Act
    const arn = await registry.createEndpoint('fcm', 'token-1');

    // Assess
    expect(arn).toBe(ENDPOINT);
    expect(sent.map((s) => [s.action, s.body.get('PlatformApplicationArn'), s.body.get('Token')])).toEqual([
      ['CreatePlatformEndpoint', FCM_APP, 'token-1'],
    ]);
  });

  it('re-enables the known endpoint of a token SNS had disabled, instead of failing', async () => {
    // Prepare
    const { client, sent } = await snsAnswering((action) =>
      action === 'CreatePlatformEndpoint'
        ? { status: 400, body: exists(ENDPOINT) }
        : { status: 200, body: attributesSet },
    );
    const registry = new SnsPushEndpointRegistry({ fcm: FCM_APP }, client);

    // Act
    const arn = await registry.createEndpoint('fcm', 'token-1');

    // Assess
    expect(arn).toBe(ENDPOINT);
    const set = sent.find((s) => s.action === 'SetEndpointAttributes');
    expect(set?.body.get('EndpointArn')).toBe(ENDPOINT);
    expect(
      Object.fromEntries(
        [1, 2].map((i) => [
          set?.body.get(`Attributes.entry.${i}.key`),
          set?.body.get(`Attributes.entry.${i}.value`),
        ]),
      ),
    ).toEqual({ Token: 'token-1', Enabled: 'true' });
  });

  it('answers undefined for a platform without an application, and passes other faults on without the SNS message', async () => {
    const { client } = await snsAnswering(() => ({
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: PlatformApplicationArn</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    }));
    const registry = new SnsPushEndpointRegistry({ fcm: FCM_APP }, client);
    expect(await registry.createEndpoint('apns', 'a'.repeat(64))).toBeUndefined();
    const failure = await registry.createEndpoint('fcm', 'token-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ChatError);
    expect(String(failure)).toContain('InvalidParameterException');
    expect(String(failure)).not.toContain('PlatformApplicationArn');
  });

  it('answers a token SNS calls malformed with BAD_REQUEST on deviceToken, never quoting it', async () => {
    const { client } = await snsAnswering(() => ({
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: Token Reason: iOS device tokens must be no more than 400 hexadecimal characters: zz-token</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    }));
    const registry = new SnsPushEndpointRegistry({ apns: FCM_APP }, client);

    const failure = await registry.createEndpoint('apns', 'zz-token').catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'BAD_REQUEST', details: [{ field: 'deviceToken' }] });
    expect(JSON.stringify(failure)).not.toContain('zz-token');
  });

  it('gives the local stack a stable endpoint per token that does not contain the token', async () => {
    const registry = new LocalPushEndpointRegistry();
    const first = await registry.createEndpoint('apns', 'secret-token-123');
    expect(await registry.createEndpoint('apns', 'secret-token-123')).toBe(first);
    expect(first).toMatch(/^arn:aws:sns:local:000000000000:endpoint\/APNS\/local-apns\/[0-9a-f]{32}$/);
    expect(first).not.toContain('secret-token');
  });
});

const snsError = (code: string, message: string) =>
  `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const published =
  '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>';
const notice = {
  title: 'Ответ оператора',
  text: 'Оператор ответил на ваш вопрос',
  data: { conversationId: 'c-1' },
};

const deleted =
  '<DeleteEndpointResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteEndpointResponse>';

/** The push sender as the functions wire it: the AWS notifier and the SNS registry, over one SNS. */
const senderOver = (client: SNSClient) =>
  new NotifierPushSender(
    new AwsOutOfBandNotifier('no-reply@example.org', undefined, { sns: client }),
    new SnsPushEndpointRegistry({}, client),
  );

describe('pushes through SNS (the notifier and NotifierPushSender)', () => {
  it('publishes to the endpoint and answers sent', async () => {
    // Prepare
    const { client, sent } = await snsAnswering(() => ({ status: 200, body: published }));
    const pushes = senderOver(client);

    // Act
    const outcome = await pushes.push(ENDPOINT, notice);

    // Assess
    expect(outcome).toBe('sent');
    expect(sent.map((s) => [s.action, s.body.get('TargetArn')])).toEqual([['Publish', ENDPOINT]]);
  });

  it.each([
    ['EndpointDisabled', 'Endpoint is disabled'],
    ['NotFound', 'Endpoint does not exist'],
    [
      'InvalidParameter',
      'Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified',
    ],
  ])(
    'answers gone for an endpoint SNS refuses with %s, and deletes it: the device is forgotten, not retried',
    async (code, message) => {
      // Prepare
      const { client, sent } = await snsAnswering((action) =>
        action === 'DeleteEndpoint'
          ? { status: 200, body: deleted }
          : { status: 400, body: snsError(code, message) },
      );
      const pushes = senderOver(client);

      // Act
      const outcome = await pushes.push(ENDPOINT, notice);

      // Assess
      expect(outcome).toBe('gone');
      expect(sent.map((s) => [s.action, s.body.get('TargetArn') ?? s.body.get('EndpointArn')])).toEqual([
        ['Publish', ENDPOINT],
        ['DeleteEndpoint', ENDPOINT],
      ]);
    },
  );

  it('passes any other refusal on, as a delivery error that names the class and not the endpoint', async () => {
    // Prepare
    const { client } = await snsAnswering(() => ({
      status: 400,
      body: snsError('InvalidParameter', `Invalid parameter: TargetArn ${ENDPOINT}`),
    }));
    const pushes = senderOver(client);

    // Act
    const failure = await pushes.push(ENDPOINT, notice).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(OutOfBandDeliveryError);
    expect((failure as OutOfBandDeliveryError).errorName).toBe('InvalidParameterException');
    expect(String((failure as Error).message)).not.toContain(ENDPOINT);
  });

  it('still answers gone when SNS cannot delete the endpoint: the device is forgotten all the same', async () => {
    // Prepare
    const { client, sent } = await snsAnswering((action) =>
      action === 'DeleteEndpoint'
        ? { status: 500, body: snsError('InternalError', 'try again') }
        : { status: 400, body: snsError('EndpointDisabled', 'Endpoint is disabled') },
    );

    // Act
    const outcome = await senderOver(client).push(ENDPOINT, notice);

    // Assess
    expect(outcome).toBe('gone');
    expect(sent.map((s) => s.action)).toEqual(['Publish', 'DeleteEndpoint']);
  });
});
