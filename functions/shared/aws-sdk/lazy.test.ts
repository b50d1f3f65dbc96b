/**
 * The SDK packages of rare paths (lazySdk, ./load.ts) are loaded at their first use, not when the
 * adapters that hold them are imported and made at a function's init. Each case runs in a fresh
 * process: this worker's other tests may have loaded the SDK already.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const LAZY = [
  'client-cognito-identity-provider',
  'client-sesv2',
  'client-sns',
  's3-presigned-post',
  's3-request-presigner',
];

/** The lazily loaded SDK packages in `require`'s cache after the adapters were made and `script` ran. */
function lazyPackagesLoadedAfter(script: string): string[] {
  const probe = `
    import { createRequire } from 'node:module';
    const { CognitoStaffDirectory } = await import('./functions/adapters/cognito-staff-directory.ts');
    const { AwsOutOfBandNotifier } = await import('./functions/adapters/notifier.ts');
    const { SnsPushEndpointRegistry } = await import('./functions/adapters/push-endpoints.ts');
    const { SnsOnCallChannel } = await import('./functions/adapters/on-call-publisher.ts');
    const { S3AttachmentBucket } = await import('./functions/adapters/attachment-bucket.ts');
    const directory = new CognitoStaffDirectory('eu-central-1_pool');
    const notifier = new AwsOutOfBandNotifier('no-reply@example.org');
    new SnsPushEndpointRegistry({ fcm: 'arn:aws:sns:eu-central-1:123456789012:app/GCM/x' });
    new SnsOnCallChannel('arn:aws:sns:eu-central-1:123456789012:on-call');
    new S3AttachmentBucket({ bucketName: 'attachments' });
    ${script}
    const packages = Object.keys(createRequire(import.meta.url).cache).flatMap(
      (path) => /node_modules\\/@aws-sdk\\/([^/]+)\\//.exec(path)?.[1] ?? [],
    );
    console.log(JSON.stringify([...new Set(packages)]));
  `;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: ROOT,
    encoding: 'utf8',
    // The calls go nowhere: a closed local port, fake keys, one attempt each.
    env: {
      ...process.env,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  const loaded = JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as string[];
  return loaded.filter((pkg) => LAZY.includes(pkg)).sort();
}

describe('SDK packages of rare paths', () => {
  it('are not loaded by importing and making the adapters that hold them', () => {
    expect(lazyPackagesLoadedAfter('')).toEqual([]);
  });

  it('are loaded by the first call that needs one, that one only', () => {
    // The calls fail (nothing listens): what matters is what they loaded.
    expect(lazyPackagesLoadedAfter(`await directory.account('someone').catch(() => undefined);`)).toEqual([
      'client-cognito-identity-provider',
    ]);
    expect(
      lazyPackagesLoadedAfter(
        `await notifier.send({ channel: 'sms', to: '+79990000000', text: 'x' }).catch(() => undefined);`,
      ),
    ).toEqual(['client-sns']);
    expect(
      lazyPackagesLoadedAfter(
        `await notifier.send({ channel: 'email', to: 'a@example.org', subject: 's', text: 'x' }).catch(() => undefined);`,
      ),
    ).toEqual(['client-sesv2']);
  });
});
