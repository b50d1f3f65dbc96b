/**
 * Operators sign in through the local Cognito (`USER_PASSWORD_AUTH`, the endpoint `/config.json`
 * names) and connect to the WebSocket with their ID token: the seeded operator and senior arrive
 * with their role; a token of another pool or client, an access token, a forged, tampered or
 * expired token, and a user in neither group are refused with HTTP 401 on the upgrade.
 */
import { createRequire } from 'node:module';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { useClients } from '../support/clients.ts';
import { claimsOf, createAndSignIn, publicConfig, signInAs } from '../support/operator-sign-in.ts';
import { UpgradeRefusedError } from '../support/ws-client.ts';

const { connect } = useClients();
const httpUrl = inject('localHttpUrl');
const connections = () => new DynamoConnectionRepository(String(process.env.CONNECTIONS_TABLE));

/** The key the local Cognito really signs with (cognito-local ships one fixed key). */
const localSigningKey = async () => {
  const { jwk } = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json') as {
    jwk: JWK;
  };
  return importJWK(jwk, 'RS256');
};

/** A token with the claims of `idToken`, changed by `claims`, signed with `key` under `kid`. */
async function resigned(
  idToken: string,
  claims: Record<string, unknown>,
  key: Awaited<ReturnType<typeof localSigningKey>>,
  kid = 'CognitoLocal',
): Promise<string> {
  return new SignJWT({ ...claimsOf(idToken), ...claims }).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

async function refusal(token: string): Promise<number | 'admitted'> {
  try {
    const client = await connect({ token });
    await client.close();
    return 'admitted';
  } catch (error) {
    if (error instanceof UpgradeRefusedError) return error.status;
    throw error;
  }
}

describe('operators signing in', () => {
  it('publishes the local Cognito and the seeded accounts in /config.json', async () => {
    const config = await publicConfig(httpUrl);

    expect(config.cognito.userPoolId).toMatch(/^[a-z]{2}-[a-z]+-\d_[0-9A-Za-z]+$/);
    expect(config.cognito.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(config.devAccounts.map((account) => account.role).sort()).toEqual(['operator', 'senior']);
  });

  it.each(['operator', 'senior'] as const)(
    'connects the seeded %s with its ID token, as that role, with principal = sub',
    async (role) => {
      // Prepare
      const { idToken, sub } = await signInAs(httpUrl, role);

      // Act
      const client = await connect({ token: idToken, lang: 'en' });
      const citizenOnly = await client.request({
        action: 'message.send',
        clientMessageId: 'm-1',
        text: 'hi',
      });

      // Assess: the connection carries the role; the policy treats it as staff.
      const stored = await connections().listByPrincipal(sub);
      expect(
        stored.map((connection) => ({ role: connection.role, sessionId: connection.sessionId })),
      ).toContainEqual({
        role,
        sessionId: sub,
      });
      expect(citizenOnly).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    },
  );

  it('gives an operator no chat session: hello answers no resume token, so none can reconnect without Cognito', async () => {
    const { idToken, sub } = await signInAs(httpUrl, 'operator');
    const client = await connect({ token: idToken });

    const welcome = await client.request({ action: 'hello' });

    expect(welcome).toMatchObject({
      type: 'welcome',
      sessionId: sub,
      resumeToken: null,
      conversationId: null,
    });
  });

  it('refuses the access token in place of the ID token', async () => {
    const { accessToken } = await signInAs(httpUrl, 'operator');

    expect(await refusal(accessToken)).toBe(401);
  });

  it('refuses a token whose groups were changed after signing', async () => {
    const { idToken } = await signInAs(httpUrl, 'operator');
    const [header, payload, signature] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(String(payload), 'base64url').toString('utf8'));
    const promoted = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['senior'] })).toString(
      'base64url',
    );

    expect(await refusal(`${header}.${promoted}.${signature}`)).toBe(401);
  });

  it('refuses a token of our pool signed with another key (forged)', async () => {
    const { idToken } = await signInAs(httpUrl, 'senior');
    const { privateKey } = await generateKeyPair('RS256');

    expect(await refusal(await resigned(idToken, {}, privateKey))).toBe(401);
  });

  it.each([
    ['of another pool', (iss: string) => ({ iss: iss.replace(/_[0-9A-Za-z]+$/, '_OtherPool1') })],
    ['for another app client', () => ({ aud: 'anotherclient0000000000000' })],
    ['that expired', () => ({ exp: Math.floor(Date.now() / 1000) - 5 })],
  ])('refuses a token %s, even signed with the local pool key', async (_, change) => {
    const { idToken } = await signInAs(httpUrl, 'operator');
    const token = await resigned(idToken, change(String(claimsOf(idToken).iss)), await localSigningKey());

    expect(await refusal(token)).toBe(401);
  });

  it('admits the same token re-signed with the local pool key (the refusals above are for their change)', async () => {
    const { idToken } = await signInAs(httpUrl, 'operator');

    expect(await refusal(await resigned(idToken, {}, await localSigningKey()))).toBe('admitted');
  });

  it('refuses a user of the pool who is in neither group', async () => {
    const { idToken } = await createAndSignIn(httpUrl, `nobody-${Date.now()}`, []);

    expect(await refusal(idToken)).toBe(401);
  });

  it('admits a user added to the senior group as senior', async () => {
    const { idToken, sub } = await createAndSignIn(httpUrl, `boris-${Date.now()}`, ['operator', 'senior']);

    await connect({ token: idToken });

    const stored = await connections().listByPrincipal(sub);
    expect(stored.map((connection) => connection.role)).toEqual(['senior']);
  });
});
