/**
 * The context of `cdk.json` (feature flags and settings), for code that builds the app outside the
 * CDK CLI — the tests and the local stack — so that they synthesize what `cdk synth` would.
 */
import { readFileSync } from 'node:fs';
import { repoPath } from './paths.ts';

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
