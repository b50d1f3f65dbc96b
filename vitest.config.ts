import { globSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/longest-first.ts';

/**
 * Five projects. `npm test` runs them in two vitest processes side by side (package.json), so that
 * both cores of this machine stay busy without disturbing the tests that wait on timers:
 *
 * - `stacks`: first `integration` (`*.int.test.ts` and test/integration), one file at a time,
 *   against a shared local stack the global setup starts once as a child process. Its files share
 *   that stack's queues and operators, and some assume no other file's traffic meanwhile. Then,
 *   two files at a time, `own-stack`: the integration files that start a local stack of their own
 *   (their counts, limits, logs or settings must not be the shared stack's).
 * - `checks`: two files at a time `unit` and `unit-env`, which need nothing running, while the
 *   shared stack starts (some time what they prove: a schedule's runs, a post's deadline); then at
 *   the lowest CPU priority (`nice -n 19`) lint, types and `infra`. The integration files mostly
 *   wait (on SLA, accept and grace timers, the stack, the browser) and leave about a core idle;
 *   the checks take what they leave. Side by side at the same priority they slowed the shared stack's
 *   files by a quarter; one after the other `npm test` took 11 minutes (docs/benchmarks.md).
 *
 * A plain `vitest run` runs all five in one process: `integration`, then the others two at a time.
 *
 * `infra` (test/infra: CDK assertions and cdk-nag) runs its files in one module graph per worker
 * (`isolate: false`): each file would otherwise load aws-cdk-lib anew, which was 80 % of their time
 * (541 s → 137 s for the folder on this 2-core machine, same load). They share no state but the
 * modules: each test synthesizes its own App. `unit` does the same (49 s → 25 s, 80 → 34 s of CPU),
 * but for the files that set the environment before `#shared/config.ts` or an SDK client reads it:
 * those are `unit-env`, each file in its own module graph. The integration files keep theirs too.
 */
const integration = ['**/*.int.test.ts', 'test/integration/**/*.test.ts'];
const infra = ['test/infra/**/*.test.ts'];
const excluded = ['node_modules/**', 'cdk.out/**'];
/**
 * The integration files that start a stack of their own (test/support/local-stack.ts), found by
 * reading them: a new one joins its project without anyone listing it.
 */
const ownStack = globSync(integration, { exclude: excluded })
  .filter((file) => readFileSync(file, 'utf8').includes('startLocalStackProcess('))
  .sort();
const unitFiles = globSync(['**/*.test.ts'], { exclude: [...excluded, ...integration, ...infra] });
/**
 * The unit files that set the environment before the modules they test read it (`vi.hoisted`,
 * `vi.stubEnv`, an assignment to `process.env` or to one of its variables), found by reading them:
 * each needs a module graph of its own, where no other file has loaded `#shared/config.ts` first
 * and none after it finds the environment it left.
 */
const ENVIRONMENT_SETTERS = new RegExp(
  [
    String.raw`vi\.(hoisted|stubEnv|stubGlobal)\(`,
    String.raw`Object\.assign\(\s*process\.env\b`,
    String.raw`\bdelete\s+process\.env\b`,
    String.raw`process\.env(\.\w+|\[[^\]]+\])?\s*(\?\?|\|\||&&)?=[^=]`,
  ].join('|'),
);
const settingEnvironment = unitFiles
  .filter((file) => ENVIRONMENT_SETTERS.test(readFileSync(file, 'utf8')))
  .sort();
const TWO_AT_A_TIME = { maxWorkers: 2, sequence: { groupOrder: 2 } };

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...excluded, ...integration, ...infra, ...settingEnvironment],
          isolate: false,
          ...TWO_AT_A_TIME,
        },
      },
      {
        extends: true,
        test: { name: 'unit-env', include: settingEnvironment, exclude: excluded, ...TWO_AT_A_TIME },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: infra,
          exclude: excluded,
          isolate: false,
          // Synthesis only computes; at `npm test`'s lowest priority, beside the shared stack's files,
          // a test of two apps took 23 s. The timeout is there for a hang, not for speed.
          testTimeout: 120_000,
          ...TWO_AT_A_TIME,
        },
      },
      {
        extends: true,
        test: {
          name: 'own-stack',
          include: ownStack,
          exclude: excluded,
          globalSetup: ['test/template-setup.ts'],
          ...TWO_AT_A_TIME,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          exclude: [...excluded, ...ownStack],
          globalSetup: ['test/template-setup.ts', 'test/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
