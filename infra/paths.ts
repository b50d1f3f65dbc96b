/**
 * Where the repository is on disk, so that entries and asset folders can be written as
 * repo-relative paths (the form the template records for the local stack) whatever the
 * current directory of `cdk`, vitest or the local stack happens to be.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (this file lives in `infra/`). */
export const repoRoot: string = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a repo-relative path such as `functions/handlers/hello.ts`. */
export function repoPath(relativePath: string): string {
  return isAbsolute(relativePath) ? relativePath : resolve(repoRoot, relativePath);
}
