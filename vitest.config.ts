import { defineConfig } from 'vitest/config';

// Unit and integration tests: Node and npm only, everything on loopback.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // tests/pg: the roles' fault tests, run by npm run test:pg with its cluster (they need Debian's postgresql).
    exclude: ['tests/e2e/**', 'tests/stress/**', 'tests/pg/**', 'node_modules/**'],
    // Feeds are processed on threads that run dist/: rebuilt first when older than src/.
    globalSetup: ['tests/helpers/fresh-dist.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
