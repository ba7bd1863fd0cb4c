import { defineConfig } from 'vitest/config';

// The store's tests on PostgreSQL (npm run test:pg): the same tests as on SQLite, against a
// cluster started for the run (tests/helpers/postgres-setup.ts); needs Debian's postgresql.
export default defineConfig({
  test: {
    // The store's own tests, and the translation cache's through the translator.
    include: ['tests/store/**/*.test.ts', 'tests/translate/translator.test.ts'],
    exclude: ['tests/store/disk-full.test.ts', 'tests/store/lock.test.ts', 'tests/store/memory-settings.test.ts', 'node_modules/**'],
    globalSetup: ['tests/helpers/fresh-dist.ts', 'tests/helpers/postgres-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
