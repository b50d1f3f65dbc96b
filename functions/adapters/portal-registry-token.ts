/**
 * The portal registry's service token (`Authorization: Bearer …`): on the local stack the raw value
 * from the environment (`PORTAL_REGISTRY_TOKEN`); in AWS the Secrets Manager secret the stack
 * created or references (`PORTAL_REGISTRY_TOKEN_SECRET_ID`), read once per cold start and kept for
 * {@link TOKEN_CACHE_MS}, so a token the portal team rotates is picked up within that time. Read with
 * the SDK's client (external to the bundle: the Lambda runtime ships it) rather than Powertools
 * Parameters, whose ~6 KB would take the bot worker over its 250 KB bundle budget
 * (test/infra/bundle-size.test.ts); the caching is the few lines below. Never logged.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '#shared/aws-sdk/client-secrets-manager.ts';

/** How long a token read from Secrets Manager is reused before it is read again. */
export const TOKEN_CACHE_MS = 15 * 60 * 1000;

export type TokenSource = () => Promise<string | undefined>;

export function portalRegistryToken(
  settings: { token: string | undefined; secretId: string | undefined },
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
  now: () => number = Date.now,
): TokenSource {
  const { token, secretId } = settings;
  if (token !== undefined) return async () => token;
  if (secretId === undefined) return async () => undefined;
  let cached: { value: Promise<string>; until: number } | undefined;
  const read = async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('portal registry token: the secret holds no string');
    return SecretString;
  };
  return async () => {
    if (!cached || now() >= cached.until) {
      const value = read();
      cached = { value, until: now() + TOKEN_CACHE_MS };
      // A failed read is not kept: the next question reads again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}
