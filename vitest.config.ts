import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` and `infra` need nothing running; `integration` (`*.int.test.ts` and
 * test/integration) runs against the local stack, which the global setup starts once as a child
 * process.
 *
 * `infra` (test/infra: CDK assertions and cdk-nag) runs its files in one module graph
 * (`isolate: false`): each file would otherwise load aws-cdk-lib anew, which was 80 % of their time
 * (541 s → 137 s for the folder on this 2-core machine, same load). They share no state but the
 * modules: each test synthesizes its own App. Every other test keeps its own module graph (some set
 * the environment before `#shared/config.ts` reads it).
 */
const integration = ['**/*.int.test.ts', 'test/integration/**/*.test.ts'];
const infra = ['test/infra/**/*.test.ts'];
const excluded = ['node_modules/**', 'cdk.out/**'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...excluded, ...integration, ...infra] },
      },
      {
        extends: true,
        test: { name: 'infra', include: infra, exclude: excluded, isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          exclude: excluded,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
