import { defineConfig } from 'vitest/config';

// Unit and integration tests: Node and npm only, everything on loopback.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'tests/stress/**', 'node_modules/**'],
    // Feeds are processed on threads that run dist/: rebuilt first when older than src/.
    globalSetup: ['tests/helpers/fresh-dist.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
