import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs nothing running; `integration` (`*.int.test.ts` and test/integration)
 * runs against the local stack, which the global setup starts once as a child process.
 */
const integration = ['**/*.int.test.ts', 'test/integration/**/*.test.ts'];
const excluded = ['node_modules/**', 'cdk.out/**'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...excluded, ...integration] },
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
