import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * In a fresh process (this worker's other tests may have loaded the SDK already): whether the
 * Cognito package is in `require`'s cache after `script` ran.
 */
function cognitoLoadedAfter(script: string): boolean {
  const probe = `
    import { createRequire } from 'node:module';
    const { CognitoStaffDirectory } = await import('./functions/adapters/cognito-staff-directory.ts');
    ${script}
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .some((path) => path.includes('client-cognito-identity-provider'));
    console.log(loaded);
  `;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: ROOT,
    encoding: 'utf8',
    // The check's call goes nowhere: a closed local port, fake keys, one attempt.
    env: {
      ...process.env,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://127.0.0.1:9',
    },
  });
  return output.trim().endsWith('true');
}

describe('CognitoStaffDirectory', () => {
  it('loads the Cognito SDK package at the first staff check, not when its module is imported or it is made', () => {
    expect(cognitoLoadedAfter(`new CognitoStaffDirectory('eu-central-1_pool');`)).toBe(false);
    // The first check loads it (the call itself fails here, refused: no matter).
    expect(
      cognitoLoadedAfter(`
        await new CognitoStaffDirectory('eu-central-1_pool').account('someone').catch(() => undefined);
      `),
    ).toBe(true);
  });
});
