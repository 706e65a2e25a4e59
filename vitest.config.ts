import { defineConfig } from 'vitest/config'

// Unit and integration tests run in parallel; the end-to-end files (each starts a browser host
// with background analysis and a Chromium) run one after another, so two cores are not fighting
// over four audio pipelines at once.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          // Component tests see a desktop-sized window (the queue is docked from 1200 px).
          setupFiles: ['test/renderer/viewport.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
})
