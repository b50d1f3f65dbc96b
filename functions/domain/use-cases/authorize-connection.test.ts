/**
 * The operator branch of the `$connect` authorizer: which tokens reach the Cognito verifier, and
 * how verified claims become the authorizer context (role from groups, principal = sub,
 * displayName). The verifier is a port here; its real checks are in cognito-verifier.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { OperatorClaims, OperatorTokenVerifier } from '../operator-identity.ts';
import type { ResumeTokenSigner } from '../resume-tokens.ts';
import { authorizeConnection } from './authorize-connection.ts';

const SUB = '7d3c6a1e-1111-4222-8333-944445555666';

/** A compact JWS whose payload carries `claims` (the signature is not checked by the router). */
function jwtWith(claims: Record<string, unknown>): string {
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${segment({ alg: 'RS256', kid: 'k1' })}.${segment(claims)}.${'s'.repeat(342)}`;
}

const cognitoToken = jwtWith({
  iss: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool1',
  sub: SUB,
});

function depsWith(outcome: OperatorClaims | 'expired' | 'invalid') {
  const verified: string[] = [];
  const resumeVerified: string[] = [];
  const operators: OperatorTokenVerifier = {
    verify: async (token) => {
      verified.push(token);
      return outcome;
    },
  };
  const signer: ResumeTokenSigner = {
    sign: async () => 'unused',
    verify: async (token) => {
      resumeVerified.push(token);
      return 'invalid';
    },
  };
  const deps = {
    ids: { newId: () => 'new-guest' },
    sessions: {
      getResumable: async () => undefined,
      replaceSlots: async () => 'conflict' as const,
    },
    clock: { now: () => new Date('2026-11-25T10:00:00Z') },
    signer,
    operators,
    allowedOrigins: new Set(['https://www.gosuslugi.ru']),
  };
  return { deps, verified, resumeVerified };
}

const claims = (overrides: Partial<OperatorClaims> = {}): OperatorClaims => ({
  sub: SUB,
  groups: ['operator'],
  givenName: 'Анна',
  username: 'anna.k',
  ...overrides,
});

describe('the $connect authorizer with an operator ID token', () => {
  it('admits a member of operator as operator: principal = session = sub, displayName, lang', async () => {
    const { deps, verified, resumeVerified } = depsWith(claims());

    const decision = await authorizeConnection(deps, { token: cognitoToken, lang: 'en' });

    expect(decision).toEqual({
      admitted: true,
      principalId: SUB,
      context: { sessionId: SUB, role: 'operator', lang: 'en', displayName: 'Анна', username: 'anna.k' },
    });
    expect(verified).toEqual([cognitoToken]);
    expect(resumeVerified).toEqual([]);
  });

  it.each([
    [['senior'], 'senior'],
    [['operator', 'senior'], 'senior'],
    [['senior', 'operator', 'auditors'], 'senior'],
    [['auditors', 'operator'], 'operator'],
  ])('takes the role from groups %j: %s', async (groups, role) => {
    const { deps } = depsWith(claims({ groups }));

    const decision = await authorizeConnection(deps, { token: cognitoToken });

    expect(decision).toMatchObject({ admitted: true, context: { role, lang: 'ru' } });
  });

  it.each([[[]], [['auditors']], [['Operator', 'SENIOR']]])(
    'refuses a user in neither group (%j)',
    async (groups) => {
      const { deps } = depsWith(claims({ groups }));

      expect(await authorizeConnection(deps, { token: cognitoToken })).toEqual({
        admitted: false,
        reason: 'not_staff',
      });
    },
  );

  it.each([
    ['invalid', 'operator_token_invalid'],
    ['expired', 'operator_token_expired'],
  ] as const)('refuses a token the verifier finds %s', async (outcome, reason) => {
    const { deps } = depsWith(outcome);

    expect(await authorizeConnection(deps, { token: cognitoToken })).toEqual({ admitted: false, reason });
  });

  it.each([
    [{ givenName: 'Anna' }, 'Anna'],
    [{ givenName: '  ' }, 'anna.k'],
    [{ givenName: undefined }, 'anna.k'],
    [{ givenName: undefined, username: undefined }, 'Operator'],
    [{ givenName: 'Я'.repeat(300) }, 'Я'.repeat(128)],
  ])(
    'shows the operator as %j → %s (the administrator’s given_name, never a name the operator set)',
    async (overrides, displayName) => {
      const { deps } = depsWith(claims(overrides));

      expect(await authorizeConnection(deps, { token: cognitoToken })).toMatchObject({
        context: { displayName },
      });
    },
  );

  it('leaves a token of another issuer to the resume-token branch, never to the Cognito verifier', async () => {
    const { deps, verified } = depsWith(claims());
    const tokens = [
      jwtWith({ iss: 'https://evil.example/eu-central-1_Pool1', sub: SUB }),
      jwtWith({ iss: 'http://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool1', sub: SUB }),
      jwtWith({ sub: SUB }),
      'not-a-jwt',
    ];

    for (const token of tokens) {
      expect(await authorizeConnection(deps, { token })).toMatchObject({ admitted: false });
    }
    expect(verified).toEqual([]);
  });
});

describe('the $connect authorizer and the page origin', () => {
  it('refuses a browser page of another origin before it looks at the token', async () => {
    const { deps, verified } = depsWith(claims());

    const decision = await authorizeConnection(deps, { token: cognitoToken, origin: 'https://evil.example' });

    expect(decision).toEqual({ admitted: false, reason: 'origin_not_allowed' });
    expect(verified).toEqual([]);
  });

  it('admits a page of an allowed origin and a client that sends no Origin (not a browser)', async () => {
    const { deps } = depsWith(claims());

    const fromPortal = await authorizeConnection(deps, { origin: 'https://www.gosuslugi.ru' });
    const noOrigin = await authorizeConnection(deps, {});

    expect(fromPortal).toMatchObject({ admitted: true, context: { role: 'guest' } });
    expect(noOrigin).toMatchObject({ admitted: true, context: { role: 'guest' } });
  });

  it('compares whole origins: another scheme, port or a look-alike host is another origin', async () => {
    const { deps } = depsWith(claims());

    for (const origin of [
      'http://www.gosuslugi.ru',
      'https://www.gosuslugi.ru:8443',
      'https://www.gosuslugi.ru.evil.example',
      'null',
    ]) {
      expect(await authorizeConnection(deps, { origin })).toEqual({
        admitted: false,
        reason: 'origin_not_allowed',
      });
    }
  });
});
