/**
 * The portal form's handler refuses a body by its size before it reads it: a 413 costs no decoding
 * and no parsing, whatever the body holds. No table is reached (the repository is created at init
 * and never called on this path).
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler } from './portal-feedback.ts';

vi.hoisted(() => {
  process.env.TICKETS_TABLE ??= 'unit-test-tickets';
  process.env.LIMITS_TABLE ??= 'unit-test-limits';
  process.env.AUTH_HMAC_KEY ??= 'unit-test-citizen-id-key-0123456789abcdef';
});

const event = (body: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /feedback',
    rawPath: '/feedback',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', sourceIp: '203.0.113.10' } },
  }) as unknown as APIGatewayProxyEventV2;

afterEach(() => vi.restoreAllMocks());

describe('POST /feedback and a body over 32 KB', () => {
  it('answers 413 without parsing the body, in the language of Accept-Language', async () => {
    // Prepare
    const parse = vi.spyOn(JSON, 'parse');
    const body = JSON.stringify({ contact: 'a@example.org', text: 'x'.repeat(40_000), lang: 'ru' });

    // Act
    const result = await handler(event(body, { 'accept-language': 'en-US,en;q=0.8' }), {} as Context);

    // Assess
    expect(result.statusCode).toBe(413);
    expect(parse.mock.calls.filter(([text]) => text === body)).toEqual([]);
    expect(JSON.parse(String(result.body))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(String(result.body)).toMatch(/^[\x20-\x7e]+$/);
  });

  it('measures a base64 body by what it decodes to, before decoding it', async () => {
    // Prepare
    const from = vi.spyOn(Buffer, 'from');
    const raw = Buffer.alloc(40_000, 'x').toString('base64');
    from.mockClear();

    // Act
    const result = await handler({ ...event(raw), isBase64Encoded: true }, {} as Context);

    // Assess
    expect(result.statusCode).toBe(413);
    expect(from.mock.calls.filter(([value]) => value === raw)).toEqual([]);
  });
});
