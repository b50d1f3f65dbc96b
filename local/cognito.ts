/**
 * The operators' user pool, locally: `cognito-local` (an npm package, no Docker) as a child process
 * with a fresh data folder per start, holding the template's user pool and app client under local
 * ids the functions' environment resolves to (`local/resolve.ts`), the groups `operator` and
 * `senior`, and one seeded operator and one seeded senior with passwords generated per start.
 *
 * What makes the tokens verify with the same code as in AWS: the pool id is AWS-shaped
 * (`eu-central-1_…`), and the local Cognito signs with the issuer `https://cognito-idp.<region>.
 * amazonaws.com/<pool>` — exactly what aws-jwt-verify expects for that pool. Only the JWKS is
 * fetched from here (`COGNITO_JWKS_URL`), over http. Differences from Cognito: docs/local-stack.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { reachableHost } from './config.ts';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import { localUserPoolClientId, localUserPoolId } from './resolve.ts';
import { resourcesOfType, type Template } from './template.ts';

/** What `/config.json` tells the console, and where the authorizer fetches the JWKS. */
export interface LocalCognito {
  region: string;
  userPoolId: string;
  clientId: string;
  /** The Cognito API endpoint (InitiateAuth, …): `http://<LOCAL_HOST>:<COGNITO_PORT>`. */
  endpoint: string;
  jwksUrl: string;
  /** Local only: the seeded accounts, to sign in with. */
  devAccounts: DevAccount[];
  stop(): Promise<void>;
}

export interface DevAccount {
  username: string;
  password: string;
  role: 'operator' | 'senior';
}

const STAFF_GROUPS = ['operator', 'senior'] as const;
const SEEDED: readonly { username: string; givenName: string; role: DevAccount['role'] }[] = [
  { username: 'operator', givenName: 'Оператор Анна', role: 'operator' },
  { username: 'senior', givenName: 'Старший Борис', role: 'senior' },
];
const READY_TIMEOUT_MS = 20_000;

const require = createRequire(import.meta.url);

export async function startLocalCognito(options: {
  template: Template;
  port: number;
  /** The address it binds to (`LOCAL_HOST`). */
  host: string;
  region: string;
}): Promise<LocalCognito> {
  const { template, port, host, region } = options;
  const [pool] = resourcesOfType(template, 'AWS::Cognito::UserPool');
  const [client] = resourcesOfType(template, 'AWS::Cognito::UserPoolClient');
  if (!pool || !client) throw new Error('the template has no Cognito user pool and app client');
  const userPoolId = localUserPoolId(pool[0], region);
  const clientId = localUserPoolClientId(client[0]);
  const endpoint = `http://${reachableHost(host)}:${port}`;

  const dataDir = mkdtempSync(join(tmpdir(), 'support-chat-cognito-'));
  writeSeedFiles(dataDir, { userPoolId, clientId, region, template, clientLogicalId: client[0] });

  const cli = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  const stderr: string[] = [];
  // Its own log names request targets and may carry bodies (passwords, tokens): never forwarded.
  // A watchdog in the child ends it when this process is gone (killed without a chance to stop it),
  // so no orphan keeps the port.
  const bootstrap = [
    `const parent = ${process.pid};`,
    'setInterval(() => { try { process.kill(parent, 0); } catch { process.exit(0); } }, 1000).unref();',
    `require(${JSON.stringify(cli)});`,
  ].join(' ');
  const child: ChildProcess = spawn(process.execPath, ['-e', bootstrap], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), HOST: host, NODE_NO_WARNINGS: '1', DEBUG: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const jwksUrl = `${endpoint}/${userPoolId}/.well-known/jwks.json`;
    await waitUntilServing(jwksUrl, child, stderr);
    const devAccounts = await seedAccounts({ endpoint, region, userPoolId });
    return { region, userPoolId, clientId, endpoint, jwksUrl, devAccounts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The pool and client as cognito-local stores them (its data folder is read at start). The pool
 * takes cognito-local's AWS defaults with the template's password policy; MFA is off locally (and
 * SRP is missing there: the console signs in with USER_PASSWORD_AUTH locally, config.json `local`).
 * The client takes the template's token lifetimes.
 */
function writeSeedFiles(
  dataDir: string,
  seed: { userPoolId: string; clientId: string; region: string; template: Template; clientLogicalId: string },
): void {
  const { USER_POOL_AWS_DEFAULTS } = require('cognito-local/lib/services/cognitoService.js') as {
    USER_POOL_AWS_DEFAULTS: Record<string, unknown>;
  };
  const [, poolResource] = resourcesOfType(seed.template, 'AWS::Cognito::UserPool')[0] ?? [];
  const templatePolicies = poolResource?.Properties.Policies as Record<string, unknown> | undefined;
  const [, clientResource] = resourcesOfType(seed.template, 'AWS::Cognito::UserPoolClient')[0] ?? [];
  // The template's token lifetimes (ID and access 1 h, refresh 12 h), so the console renews its
  // tokens locally as it does in AWS; cognito-local would otherwise issue them for 24 h. Its
  // WriteAttributes too, though cognito-local does not enforce them (docs/local-stack.md).
  const validity = Object.fromEntries(
    [
      'IdTokenValidity',
      'AccessTokenValidity',
      'RefreshTokenValidity',
      'TokenValidityUnits',
      'WriteAttributes',
    ]
      .map((key) => [key, clientResource?.Properties[key]])
      .filter(([, value]) => value !== undefined),
  );
  const configDir = join(dataDir, '.cognito');
  mkdirSync(join(configDir, 'db'), { recursive: true });
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({
      // The issuer AWS would put in the tokens of this pool id (aws-jwt-verify derives the same).
      TokenConfig: { IssuerDomain: `https://cognito-idp.${seed.region}.amazonaws.com` },
      UserPoolDefaults: {},
    }),
  );
  const now = new Date().toISOString();
  writeFileSync(
    join(configDir, 'db', `${seed.userPoolId}.json`),
    JSON.stringify({
      Users: {},
      Groups: {},
      Options: {
        ...USER_POOL_AWS_DEFAULTS,
        ...(templatePolicies ? { Policies: templatePolicies } : {}),
        Id: seed.userPoolId,
        Name: 'support-chat-operators',
        MfaConfiguration: 'OFF',
        CreationDate: now,
        LastModifiedDate: now,
      },
    }),
  );
  writeFileSync(
    join(configDir, 'db', 'clients.json'),
    JSON.stringify({
      Clients: {
        [seed.clientId]: {
          ClientId: seed.clientId,
          ClientName: 'operator-console',
          UserPoolId: seed.userPoolId,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          ...validity,
          CreationDate: now,
          LastModifiedDate: now,
        },
      },
    }),
  );
}

async function waitUntilServing(jwksUrl: string, child: ChildProcess, stderr: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the local Cognito (cognito-local) exited with ${child.exitCode}: ${stderr.join('')}`);
    }
    const response = await fetch(jwksUrl).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the local Cognito (cognito-local) did not serve its JWKS in time: ${stderr.join('')}`);
}

/** The groups, and one operator and one senior with strong passwords generated for this start. */
async function seedAccounts(target: {
  endpoint: string;
  region: string;
  userPoolId: string;
}): Promise<DevAccount[]> {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const UserPoolId = target.userPoolId;
  try {
    for (const GroupName of STAFF_GROUPS)
      await cognito.send(new CreateGroupCommand({ UserPoolId, GroupName }));
    const accounts: DevAccount[] = [];
    for (const { username, givenName, role } of SEEDED) {
      const password = devPassword();
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          TemporaryPassword: devPassword(),
          UserAttributes: [
            { Name: 'email', Value: `${username}@support-chat.local` },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'given_name', Value: givenName },
          ],
        }),
      );
      await cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId,
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName: role }));
      accounts.push({ username, password, role });
    }
    return accounts;
  } finally {
    cognito.destroy();
  }
}

/** 20+ characters with every class the pool's policy requires, from a CSPRNG. */
function devPassword(): string {
  return `Dev-${randomBytes(12).toString('base64url')}-7aZ!`;
}
