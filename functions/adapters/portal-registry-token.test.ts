/**
 * The registry's token source. No emulator of the local stack has Secrets Manager (DynamoDB Local,
 * fauxqs for SQS/SNS/S3, cognito-local), so the client here is a stand-in that answers
 * GetSecretValue from a variable and counts the calls: what is tested is when the secret is read.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { portalRegistryToken, TOKEN_CACHE_MS } from './portal-registry-token.ts';

function secretsManager(answers: Array<string | Error>) {
  const calls: string[] = [];
  const client = {
    send: async (command: { input: { SecretId?: string } }) => {
      calls.push(String(command.input.SecretId));
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return { SecretString: answer };
    },
  } as unknown as Pick<SecretsManagerClient, 'send'>;
  return { client, calls };
}

describe('the portal registry’s token', () => {
  it('is the environment’s value on the local stack, and no secret is read', async () => {
    const { client, calls } = secretsManager(['from-secret']);
    const token = portalRegistryToken({ token: 'local-token', secretId: 'arn:secret' }, client);
    expect(await token()).toBe('local-token');
    expect(calls).toEqual([]);
  });

  it('is read from its secret once per cold start, and again only once the cache window has passed', async () => {
    // Prepare
    let now = 1_000_000;
    const { client, calls } = secretsManager(['first', 'rotated']);
    const token = portalRegistryToken({ token: undefined, secretId: 'arn:secret' }, client, () => now);
    // Act
    const answers = await Promise.all([token(), token(), token()]);
    now += TOKEN_CACHE_MS - 1;
    const stillCached = await token();
    now += 1;
    const reread = await token();
    // Assess
    expect(answers).toEqual(['first', 'first', 'first']);
    expect(stillCached).toBe('first');
    expect(reread).toBe('rotated');
    expect(calls).toEqual(['arn:secret', 'arn:secret']);
  });

  it('does not keep a failed read: the next question reads the secret again', async () => {
    const { client, calls } = secretsManager([new Error('AccessDenied'), 'token']);
    const token = portalRegistryToken({ token: undefined, secretId: 'arn:secret' }, client);
    await expect(token()).rejects.toThrow('AccessDenied');
    expect(await token()).toBe('token');
    expect(calls).toHaveLength(2);
  });

  it('is none when neither is configured (a registry that takes no token)', async () => {
    expect(await portalRegistryToken({ token: undefined, secretId: undefined })()).toBeUndefined();
  });
});
