import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { handler } from './authorize.ts';

// The handler names its table at init; these cases never reach it (no token, or one refused
// before any I/O), so no table has to exist.
vi.hoisted(() => {
  process.env.SESSIONS_TABLE ??= 'unit-test-sessions';
});

const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../events/samples/authorizer-request.json'), 'utf8'),
) as APIGatewayRequestAuthorizerEvent;

const withQuery = (query: Record<string, string> | null): APIGatewayRequestAuthorizerEvent => ({
  ...sample,
  queryStringParameters: query,
});

describe('the $connect authorizer', () => {
  it('admits a guest without a token as a new session, allowed on the methodArn', async () => {
    // Act
    const result = await handler(withQuery({ lang: 'en' }), {} as Context);

    // Assess
    expect(result.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.context).toEqual({ sessionId: result.principalId, role: 'guest', lang: 'en' });
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: sample.methodArn },
    ]);
  });

  it('gives every guest a different session', async () => {
    // Act
    const [a, b] = await Promise.all([
      handler(withQuery(null), {} as Context),
      handler(withQuery(null), {} as Context),
    ]);

    // Assess
    expect(a.principalId).not.toBe(b.principalId);
  });

  it.each([
    [null, 'ru'],
    [{ lang: 'ru' }, 'ru'],
    [{ lang: 'de' }, 'ru'],
    [{ lang: 'EN' }, 'ru'],
  ])('speaks Russian unless English is asked for (query %j)', async (query, lang) => {
    // Act
    const result = await handler(withQuery(query), {} as Context);

    // Assess
    expect(result.context?.lang).toBe(lang);
  });

  it.each([
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['a token without its secret', '0b7c5c4e-3c1e-4d6b-9a53-6f0f2a1c9d11.'],
    ['a token with a short secret', `0b7c5c4e-3c1e-4d6b-9a53-6f0f2a1c9d11.${'A'.repeat(42)}`],
    ['a token with a padded secret', `0b7c5c4e-3c1e-4d6b-9a53-6f0f2a1c9d11.${'A'.repeat(42)}=`],
    ['a token whose session id is not a uuid', `session-1.${'A'.repeat(43)}`],
    ['a 10 KB token', 'A'.repeat(10_240)],
    ['an empty token: a token that is present must be verified', ''],
  ])('refuses %s with Unauthorized (HTTP 401) before reading any table', async (_, token) => {
    // Act
    const authorizing = handler(withQuery({ token, lang: 'ru' }), {} as Context);

    // Assess
    await expect(authorizing).rejects.toThrow(new Error('Unauthorized'));
  });
});
