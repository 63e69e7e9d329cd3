/**
 * `npm run test:clients`: the client and tool scenarios of conformance/clients, kept out of
 * `npm test` because they install nothing but drive real drivers, ORMs and pgbench for tens of
 * seconds.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['conformance/clients/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every file starts its own server and some spawn pgbench: one file at a time on 2 cores.
    fileParallelism: false,
  },
});
