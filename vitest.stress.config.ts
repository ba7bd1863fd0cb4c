import { defineConfig } from 'vitest/config';

// The long checks of issue 7 (fuzzing, SIGKILL trials, two workers, a full or read-only disk,
// load on the HTTP server): `npm run test:stress`, after a build, since they run the compiled bin.
// One file at a time: they time things and spawn processes, and the CI machine has two cores.
export default defineConfig({
  test: {
    // With the default suite's files that also bound a wall-clock time, checked only here.
    include: ['tests/stress/**/*.test.ts', 'tests/worker/hostile-cycle.test.ts'],
    globalSetup: ['tests/helpers/fresh-dist.ts'],
    env: { VEILLE_TIMING_CHECKS: '1' },
    fileParallelism: false,
    // The fuzz test collects garbage before it measures the heap that inputs leave behind.
    execArgv: ['--expose-gc'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
