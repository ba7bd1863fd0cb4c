import { defineConfig } from 'vitest/config';

// Tests against a throwaway PostgreSQL cluster (Debian's postgresql 15, started by each file on a
// loopback port as the `postgres` user): the roles' coordination and their fault tests (issue 20).
export default defineConfig({
  test: {
    include: ['tests/pg/**/*.test.ts'],
    globalSetup: ['tests/helpers/fresh-dist.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
