import { defineConfig } from 'vitest/config';

// Tests on PostgreSQL (npm run test:pg), needing Debian's postgresql: the store's tests, the same
// as on SQLite, against a cluster started for the run (tests/helpers/postgres-setup.ts); the roles'
// fault tests (tests/pg/, issue 20), each file with a cluster of its own that it may restart.
export default defineConfig({
  test: {
    include: ['tests/store/**/*.test.ts', 'tests/translate/translator.test.ts', 'tests/pg/**/*.test.ts'],
    exclude: ['tests/store/disk-full.test.ts', 'tests/store/lock.test.ts', 'tests/store/memory-settings.test.ts', 'node_modules/**'],
    globalSetup: ['tests/helpers/fresh-dist.ts', 'tests/helpers/postgres-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
