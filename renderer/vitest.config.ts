/**
 * Unit tests for the renderer's pure modules (parsing pasted invitees, rebuilding requests
 * from history, errors in words). The project's vitest.config.ts covers app/ and scripts/;
 * run these with `vitest run --config renderer/vitest.config.ts`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['renderer/src/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
  },
});
