import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'scripts/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    environment: 'node',
    // A fresh clone has no out/: build it once before the tests that load the built app.
    globalSetup: ['./test/build-if-stale.ts'],
    // A limit for hangs, not a speed check (speed lives in bench/). Tests that run the CLI as
    // child processes start Node several times each; on 2 busy cores one start can take 3 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep files in separate forks but not more of them than the machine has.
    pool: 'forks',
    maxWorkers: 2,
  },
});
