import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Crash and growth tests spawn child processes and fsync a lot; run files one at a time
    // on the 2-core machine so timings stay honest.
    fileParallelism: false,
  },
});
