/**
 * The Cognito ID-token verifier against a real JWKS endpoint (a local HTTP server publishing an
 * RSA key generated here) and tokens signed with jose: what a Cognito user pool issues, and every
 * way a token can be wrong. No AWS client is mocked: aws-jwt-verify does the real verification.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoOperatorVerifier } from './cognito-verifier.ts';

const POOL = 'eu-central-1_Test1';
const CLIENT = 'consoleclient0000000000000';
const ISSUER = `https://cognito-idp.eu-central-1.amazonaws.com/${POOL}`;

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let server: Server;
let jwksUrl: string;
let poolKey: PrivateKey;
let strangerKey: PrivateKey;
let jwksRequests = 0;

beforeAll(async () => {
  const pool = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  poolKey = pool.privateKey;
  strangerKey = stranger.privateKey;
  const jwk: JWK = { ...(await exportJWK(pool.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' };
  server = createServer((_, response) => {
    jwksRequests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL}/.well-known/jwks.json`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface TokenOptions {
  claims?: Record<string, unknown>;
  key?: PrivateKey;
  kid?: string;
  expiresIn?: string | number;
}

/** An ID token as Cognito issues it, with `claims` overriding any claim. */
async function idToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: '7d3c6a1e-1111-4222-8333-944445555666',
    aud: CLIENT,
    iss: ISSUER,
    token_use: 'id',
    auth_time: now,
    'cognito:username': 'anna.k',
    'cognito:groups': ['operator'],
    given_name: 'Анна',
    email: 'anna@example.org',
    ...options.claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'pool-key' })
    .setIssuedAt(now - 10)
    .setExpirationTime(options.expiresIn ?? now + 3600)
    .sign(options.key ?? poolKey);
}

const verifier = () => new CognitoOperatorVerifier({ userPoolId: POOL, clientId: CLIENT, jwksUrl });

describe('the Cognito ID-token verifier', () => {
  it('accepts an ID token of the pool and client, and reads sub, groups and names', async () => {
    const claims = await verifier().verify(
      await idToken({ claims: { 'cognito:groups': ['operator', 'senior'] } }),
    );

    expect(claims).toEqual({
      sub: '7d3c6a1e-1111-4222-8333-944445555666',
      groups: ['operator', 'senior'],
      givenName: 'Анна',
      username: 'anna.k',
    });
  });

  it('reads a token without groups as no groups', async () => {
    const claims = await verifier().verify(await idToken({ claims: { 'cognito:groups': undefined } }));

    expect(claims).toMatchObject({ groups: [] });
  });

  it('answers expired for a token past its exp', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;

    expect(await verifier().verify(await idToken({ expiresIn: past }))).toBe('expired');
  });

  it.each<[string, TokenOptions]>([
    [
      'of another pool',
      { claims: { iss: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other' } },
    ],
    ['of another region', { claims: { iss: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}` } }],
    ['for another client', { claims: { aud: 'someotherclient00000000000' } }],
    ['that is an access token', { claims: { token_use: 'access', aud: undefined, client_id: CLIENT } }],
    ['signed with a key not of the pool (same kid)', { key: undefined }],
    ['with a kid the pool does not publish', { kid: 'unknown-key' }],
  ])('refuses a token %s', async (_, options) => {
    const token =
      options.key === undefined && 'key' in options
        ? await idToken({ key: strangerKey })
        : await idToken(options);

    expect(await verifier().verify(token)).toBe('invalid');
  });

  it('refuses a tampered token (payload changed after signing)', async () => {
    const [header, payload, signature] = (await idToken()).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
    const promoted = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['senior'] })).toString(
      'base64url',
    );

    expect(await verifier().verify(`${header}.${promoted}.${signature}`)).toBe('invalid');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const [, payload] = (await idToken()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'pool-key' })).toString('base64url');

    expect(await verifier().verify(`${header}.${payload}.`)).toBe('invalid');
  });

  it('refuses garbage', async () => {
    for (const token of ['', 'abc', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.sig']) {
      expect(await verifier().verify(token)).toBe('invalid');
    }
  });

  it('fetches the JWKS once per instance, not per token', async () => {
    const instance = verifier();
    const before = jwksRequests;

    await instance.verify(await idToken());
    await instance.verify(await idToken());
    await instance.verify(await idToken());

    expect(jwksRequests - before).toBe(1);
  });

  it('throws (an outage, not a 401) when the JWKS cannot be fetched', async () => {
    const unreachable = new CognitoOperatorVerifier({
      userPoolId: POOL,
      clientId: CLIENT,
      jwksUrl: 'http://127.0.0.1:1/jwks.json',
    });

    await expect(unreachable.verify(await idToken())).rejects.toThrow();
  });
});
