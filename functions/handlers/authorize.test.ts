import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from './authorize.ts';

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

  it('refuses any token with Unauthorized, which API Gateway answers with HTTP 401', async () => {
    // Act
    const authorizing = handler(
      withQuery({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig', lang: 'ru' }),
      {} as Context,
    );

    // Assess
    await expect(authorizing).rejects.toThrow(new Error('Unauthorized'));
  });

  it('refuses an empty token too: a token that is present must be verified', async () => {
    // Act
    const authorizing = handler(withQuery({ token: '' }), {} as Context);

    // Assess
    await expect(authorizing).rejects.toThrow('Unauthorized');
  });
});
