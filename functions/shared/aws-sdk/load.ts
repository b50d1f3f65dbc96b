/**
 * How the functions load the AWS SDK v3: with `require`, through one module per package in this
 * folder, never with `import` from `@aws-sdk/*` in production code.
 *
 * The SDK stays outside the bundles (infra/constructs/bundling.ts): Lambda's Node.js runtime ships
 * it as CommonJS (`dist-cjs`, found through NODE_PATH). An ES module bundle that `import`s a
 * CommonJS package makes Node's ESM loader detect the package's format and lex its whole source
 * for named exports (cjs-module-lexer) before it runs it, package by package, at every cold start.
 * `require` loads the same module without either step. Measured with `npm run bench:init` on the
 * bundles (docs/benchmarks.md, "Cold start: the SDK by require"): 18–60 ms less module init per
 * function, a sixth to a quarter of it. The classes are the same objects either way (the packages
 * have one CommonJS build), so `instanceof`, the local stack's call counter and the tests' spies on
 * `Client.prototype.send` see no difference.
 *
 * Each module exports what the functions use of its package, as values and, for classes and
 * enum-like objects, as types of the same name: `import { GetCommand } from
 * '#shared/aws-sdk/lib-dynamodb.ts'` reads as the package's own import. Type-only imports still
 * name the package (`import type { … } from '@aws-sdk/…'`): they vanish from the bundle.
 */
import { createRequire } from 'node:module';

/** `require` of the functions' bundle (or of the source file, on the local stack and in tests). */
export const requireSdk = createRequire(import.meta.url);
