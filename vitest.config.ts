import { globSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Four projects in two groups, one after the other:
 *
 * 1. Two files at a time (this machine has two cores; vitest would run one): `unit` and `infra`,
 *    which need nothing running, and `own-stack`, the integration files that start a local stack
 *    of their own (their counts, limits, logs or settings must not be the shared stack's). These
 *    mostly wait on their stack (the request budgets' flows wait for quiet and for timers), so they
 *    overlap the CPU-bound CDK tests instead of following them.
 * 2. One file at a time: `integration` (`*.int.test.ts` and test/integration), against the shared
 *    local stack, which the global setup starts once as a child process. Its files share that
 *    stack's queues and operators, and some assume no other file's traffic meanwhile.
 *
 * `infra` (test/infra: CDK assertions and cdk-nag) runs its files in one module graph per worker
 * (`isolate: false`): each file would otherwise load aws-cdk-lib anew, which was 80 % of their time
 * (541 s → 137 s for the folder on this 2-core machine, same load). They share no state but the
 * modules: each test synthesizes its own App. Every other test keeps its own module graph (some set
 * the environment before `#shared/config.ts` reads it).
 */
const integration = ['**/*.int.test.ts', 'test/integration/**/*.test.ts'];
const infra = ['test/infra/**/*.test.ts'];
const excluded = ['node_modules/**', 'cdk.out/**'];
/**
 * The integration files that start a stack of their own (test/support/local-stack.ts), found by
 * reading them: a new one joins the first round without anyone listing it.
 */
const ownStack = globSync(integration, { exclude: excluded })
  .filter((file) => readFileSync(file, 'utf8').includes('startLocalStackProcess('))
  .sort();
const TWO_AT_A_TIME = { maxWorkers: 2, sequence: { groupOrder: 0 } };

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...excluded, ...integration, ...infra],
          ...TWO_AT_A_TIME,
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: infra, exclude: excluded, isolate: false, ...TWO_AT_A_TIME },
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
