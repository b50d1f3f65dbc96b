/**
 * How the functions load the AWS SDK v3: with `require`, through one module per package in this
 * folder, never with `import` from `@aws-sdk/*` in production code.
 *
 * The SDK stays outside the bundles (infra/constructs/bundling.ts): Lambda's Node.js runtime ships
 * it as CommonJS (`dist-cjs`, found through NODE_PATH). An ES module bundle that `import`s a
 * CommonJS package makes Node's ESM loader detect the package's format and lex its whole source
 * for named exports (cjs-module-lexer) before it runs it, package by package, at every cold start.
 * `require` loads the same module without either step. Measured with `npm run bench:init` on the
 * bundles (docs/benchmarks.md, "Cold start: the SDK by `require`"): the median module init of the
 * 44 functions fell from 195 and 181 ms to 146 and 164 ms in two interleaved pairs of runs on this
 * project's 2-core VM. The classes are the same objects either way (the packages have one
 * CommonJS build), so `instanceof`, the local stack's call counter and the tests' spies on
 * `Client.prototype.send` see no difference.
 *
 * Each module exports what the functions use of its package, as values and, for classes, as types
 * of the same name: `import { GetCommand } from '#shared/aws-sdk/lib-dynamodb.ts'` reads as the
 * package's own import. The packages of paths most invocations never take (Cognito, SNS, SES, the
 * S3 presigners) are loaded at their first use instead: their modules export a function that
 * requires the package ({@link lazySdk}) and the client's type (./lazy.test.ts). Type-only imports
 * still name the package (`import type { … } from '@aws-sdk/…'`): they vanish from the bundle. A
 * bundled dependency that imports an SDK package gets the module of this folder instead: Powertools
 * Parameters' ESM build imports the Secrets Manager client (`getSecret`,
 * functions/adapters/secret-keys.ts), and the bundles alias that package to
 * ./client-secrets-manager.ts (infra/constructs/bundling.ts, `sdkAliases`).
 * test/infra/bundle-size.test.ts fails on any `import` of the SDK left in a bundle.
 */
import { createRequire } from 'node:module';

/** `require` of the functions' bundle (or of the source file, on the local stack and in tests). */
const requireSdk = createRequire(import.meta.url);

/**
 * The package `pkg`, required, checked to hold each of `names`. An `import` of a name the package
 * lacks fails when the module is linked; a property read would only give `undefined`, and fail
 * later, on the path that uses it (an `instanceof` in an error handler). So a runtime SDK older than
 * the one the functions were built against fails the cold start (or, for a package loaded by
 * {@link lazySdk}, its first use), naming what it lacks.
 */
export function loadSdk<T extends object>(pkg: string, names: readonly (keyof T & string)[]): T {
  const sdk = requireSdk(pkg) as T;
  const missing = names.filter((name) => sdk[name] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `${pkg} has no ${missing.join(', ')}: the runtime's AWS SDK is older than the functions'`,
    );
  }
  return sdk;
}

/**
 * {@link loadSdk} on the first call of the function it returns, then the same package: for a
 * package that a function holds for a path most of its invocations never take (the staff check of
 * the routes citizens share with staff; SMS, e-mail and push of the notices), so that its cold start
 * does not load it. A package that lacks a name then fails on that path, naming it.
 */
export function lazySdk<T extends object>(pkg: string, names: readonly (keyof T & string)[]): () => T {
  let sdk: T | undefined;
  return () => {
    sdk ??= loadSdk<T>(pkg, names);
    return sdk;
  };
}
