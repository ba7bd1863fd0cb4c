import { defineConfig } from 'vitest/config';

// End-to-end tests that need Debian packages (python3-feedparser, newsboat, chromium).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
