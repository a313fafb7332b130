// Two projects: pure tests that run alone, and tests that share one real control plane per run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/kustomize-ts/test/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts'],
          exclude: ['packages/kustomize-ts/**', '**/node_modules/**'],
          globalSetup: ['packages/testenv/src/vitest-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
