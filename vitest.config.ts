import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer state modules (*.svelte.ts) use runes: compile them as the renderer build does.
  plugins: [svelte({ configFile: resolve('svelte.config.js') })],
  test: {
    include: ['app/**/*.test.ts', 'scripts/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    environment: 'node',
    // A fresh clone has no out/: build it once before the tests that load the built app.
    globalSetup: ['./test/build-if-stale.ts'],
    // A limit for hangs, not a speed check (speed lives in bench/). CLI commands run in the test's
    // process (app/cli/cli-process.fixture.ts); the tests that still start processes (signals,
    // servers, kill -9) set their own, longer limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep files in separate forks but not more of them than the machine has.
    pool: 'forks',
    maxWorkers: 2,
  },
});
