/**
 * The zod the functions validate with: zod/mini, whose functions a bundle takes one by one, where
 * zod's classic API carries every method on every schema (a function's bundle: about 90 KB of
 * zod, compiled and built at every cold start). Issues read in English, as classic zod's do: mini
 * loads no locale of its own, and the protocol's `details` quote the message as `problem`.
 *
 * Import it as `import * as z from '#events/zod.ts'` (or relatively); never `zod` itself in code a
 * function bundles (test/infra/bundle-size.test.ts).
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
