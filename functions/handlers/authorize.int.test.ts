import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { RESUME_TOKEN_AUDIENCE, RESUME_TOKEN_ISSUER } from '#adapters/resume-token-signer.ts';
import { handler } from './authorize.ts';

// Against the local stack's DynamoDB Local (the integration project's environment): an admitted
// connect is counted on LimitsTable (per source address). The token cases are refused before any
// read, so the sessions table is never reached.
const SIGNING_KEY = vi.hoisted(() => {
  const key = 'unit-test-resume-token-signing-key-0123456789';
  process.env.SESSIONS_TABLE ??= 'unit-test-sessions';
  // Operators' ID tokens: no case here reaches the pool's JWKS (see cognito-verifier.test.ts).
  process.env.COGNITO_USER_POOL_ID ??= 'eu-central-1_UnitTest';
  process.env.COGNITO_CLIENT_ID ??= 'unittestclient000000000000';
  process.env.RESUME_TOKEN_SIGNING_KEY = key;
  process.env.ALLOWED_ORIGINS = 'https://www.gosuslugi.ru,https://console.example';
  return key;
});

/** A resume token signed with `key`, for a random session. */
async function signedToken(key: string, lifetime: { iat: number; exp: number }): Promise<string> {
  return new SignJWT({ ver: false })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(randomUUID())
    .setJti('slot-1')
    .setIssuer(RESUME_TOKEN_ISSUER)
    .setAudience(RESUME_TOKEN_AUDIENCE)
    .setIssuedAt(lifetime.iat)
    .setExpirationTime(lifetime.exp)
    .sign(new TextEncoder().encode(key));
}

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
    ['a JWT with a truncated signature', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['a token of the old opaque format', `0b7c5c4e-3c1e-4d6b-9a53-6f0f2a1c9d11.${'A'.repeat(43)}`],
    ['a 10 KB token', 'A'.repeat(10_240)],
    ['an empty token: a token that is present must be verified', ''],
  ])('refuses %s with Unauthorized (HTTP 401) before reading any table', async (_, token) => {
    // Act
    const authorizing = handler(withQuery({ token, lang: 'ru' }), {} as Context);

    // Assess
    await expect(authorizing).rejects.toThrow(new Error('Unauthorized'));
  });

  it('refuses a well-formed token signed with another key before reading any table', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const forged = await signedToken(`${SIGNING_KEY}-forged`, { iat: now, exp: now + 3600 });

    // Act
    const authorizing = handler(withQuery({ token: forged }), {} as Context);

    // Assess
    await expect(authorizing).rejects.toThrow(new Error('Unauthorized'));
  });

  it('refuses a token of ours that has expired before reading any table', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const expired = await signedToken(SIGNING_KEY, { iat: now - 7200, exp: now - 60 });

    // Act
    const authorizing = handler(withQuery({ token: expired }), {} as Context);

    // Assess
    await expect(authorizing).rejects.toThrow(new Error('Unauthorized'));
  });

  it('denies (HTTP 403) a browser page whose Origin is not allowed, whatever the header case', async () => {
    // Act
    const result = await handler(
      { ...withQuery({ lang: 'ru' }), headers: { ...sample.headers, origin: 'https://evil.example' } },
      {} as Context,
    );

    // Assess
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: sample.methodArn },
    ]);
    expect(result.context).toBeUndefined();
  });

  it('admits a page of an allowed origin as API Gateway spells the header (Origin)', async () => {
    // Act
    const result = await handler(
      { ...withQuery({ lang: 'ru' }), headers: { ...sample.headers, Origin: 'https://console.example' } },
      {} as Context,
    );

    // Assess
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });
});
