/**
 * Operators' sign-in in integration tests: the local Cognito and its seeded accounts from `/config.json`,
 * and a real `USER_PASSWORD_AUTH` sign-in that returns the ID token the WebSocket accepts.
 * `connectAs('operator' | 'senior')` is what tests of operator actions use.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod';

const publicConfigSchema = z.object({
  cognito: z.object({
    region: z.string(),
    userPoolId: z.string(),
    clientId: z.string(),
    endpoint: z.url(),
  }),
  devAccounts: z.array(
    z.object({ username: z.string(), password: z.string(), role: z.enum(['operator', 'senior']) }),
  ),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;

export async function publicConfig(httpUrl: string): Promise<PublicConfig> {
  const response = await fetch(`${httpUrl}/config.json`);
  return publicConfigSchema.parse(await response.json());
}

export interface SignedIn {
  idToken: string;
  accessToken: string;
  /** The Cognito `sub` (the operator's principal and session id), read from the ID token. */
  sub: string;
}

function cognitoClient(config: PublicConfig): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: config.cognito.endpoint,
    region: config.cognito.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Signs in with USER_PASSWORD_AUTH against the local Cognito, as the operator console does. */
export async function signIn(httpUrl: string, username: string, password: string): Promise<SignedIn> {
  const config = await publicConfig(httpUrl);
  const cognito = cognitoClient(config);
  try {
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({
        ClientId: config.cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    const idToken = AuthenticationResult?.IdToken;
    const accessToken = AuthenticationResult?.AccessToken;
    if (!idToken || !accessToken) throw new Error(`no tokens for ${username}`);
    return { idToken, accessToken, sub: String(claimsOf(idToken).sub) };
  } finally {
    cognito.destroy();
  }
}

/** Signs in as the seeded account of `role`. */
export async function signInAs(httpUrl: string, role: 'operator' | 'senior'): Promise<SignedIn> {
  const account = (await publicConfig(httpUrl)).devAccounts.find((a) => a.role === role);
  if (!account) throw new Error(`no seeded ${role} in /config.json`);
  return signIn(httpUrl, account.username, account.password);
}

/** Creates a user of the local pool in `groups` (none: a user who is not staff) and signs it in. */
export async function createAndSignIn(
  httpUrl: string,
  username: string,
  groups: string[],
): Promise<SignedIn> {
  return signIn(httpUrl, username, await createStaffUser(httpUrl, username, groups));
}

/**
 * Creates a user of the local pool in `groups` and answers its password: permanent, or temporary
 * (`{ temporary: true }`: the first sign-in is challenged with NEW_PASSWORD_REQUIRED, as an account
 * an administrator just created).
 */
export async function createStaffUser(
  httpUrl: string,
  username: string,
  groups: string[],
  options: { temporary?: boolean } = {},
): Promise<string> {
  const config = await publicConfig(httpUrl);
  const cognito = cognitoClient(config);
  const UserPoolId = config.cognito.userPoolId;
  const password = `Test-${crypto.randomUUID()}-7aZ!`;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: password,
        UserAttributes: [{ Name: 'email', Value: `${username}@support-chat.local` }],
      }),
    );
    if (!options.temporary) {
      await cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId,
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
    }
    for (const GroupName of groups) {
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName }));
    }
  } finally {
    cognito.destroy();
  }
  return password;
}

/** The payload of a JWT, unverified (tests only). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
