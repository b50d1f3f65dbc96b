/**
 * The one definition of how a handler is bundled. The house construct hands it to
 * `NodejsFunction`; the bundle-size test hands the same values to esbuild directly, so the size
 * we assert is the size we deploy.
 *
 * ESM, not CJS: `@middy/core` ships ESM only and handlers may use top-level await (loading the
 * knowledge base during init, where Lambda gives extra CPU); esbuild prefers the `module` builds of
 * Powertools and the SDK, which tree-shake better. The banner gives bundled CommonJS dependencies
 * the `require` that ESM lacks (the pattern Powertools documents for esbuild).
 *
 * `@aws-sdk/*` stays external: the Node.js 22 runtime ships SDK v3, and bundling the DynamoDB,
 * SQS and API Gateway management clients would put the busiest handlers over the 250 KB budget.
 * The functions load it with `require` (functions/shared/aws-sdk/load.ts): an `import` of the
 * runtime's CommonJS packages costs every cold start the ESM loader's format detection and export
 * lexing. A dependency that imports one is given the functions' module instead ({@link sdkAliases}).
 */
import type { BuildOptions } from 'esbuild';
import { repoPath } from '../paths.ts';

/** Node.js major version of Lambda and of the local stack (`package.json` pins `node@22`). */
export const nodeTarget = 'node22';

/** Modules provided by the Lambda runtime, not bundled. */
export const externalModules: readonly string[] = ['@aws-sdk/*'];

/**
 * SDK packages a bundled dependency imports, given the functions' own module for them instead
 * (functions/shared/aws-sdk), which loads the package by `require`: Powertools Parameters' ESM
 * build imports the Secrets Manager client. Absolute paths: CDK bundles with the project's own
 * esbuild (a devDependency, installed by `npm ci`), on this machine; in CDK's Docker fallback (when
 * no esbuild is installed) the host's path would not exist and the bundling would fail, loudly.
 */
export const sdkAliases: Readonly<Record<string, string>> = {
  '@aws-sdk/client-secrets-manager': repoPath('functions/shared/aws-sdk/client-secrets-manager.ts'),
};

/** The same as esbuild's command-line arguments (`NodejsFunction`'s `esbuildArgs`). */
export const sdkAliasArgs: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(sdkAliases).map(([pkg, path]) => [`--alias:${pkg}`, path]),
);

/** Prefer ESM entry points of dependencies. */
export const mainFields: readonly string[] = ['module', 'main'];

/**
 * Source maps without the sources' text: stack traces still point at `functions/…` lines, and the
 * map Node reads at init (`--enable-source-maps`) is a quarter of the size.
 */
export const sourcesContent = false;

/** Makes `require` available to CommonJS code bundled into an ESM output. */
export const esmRequireBanner =
  "import { createRequire as __houseCreateRequire } from 'node:module';const require = __houseCreateRequire(import.meta.url);";

/** esbuild options equivalent to what `NodejsFunction` runs for the house construct. */
export function houseEsbuildOptions(entryPoint: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node',
    target: nodeTarget,
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent,
    mainFields: [...mainFields],
    external: [...externalModules],
    alias: { ...sdkAliases },
    banner: { js: esmRequireBanner },
  };
}
