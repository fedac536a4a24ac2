/**
 * `node --import ./app/main/electron-hooks.fixture.ts out/main/index.js`: every import of
 * `electron` (main's, and electron-store's) gets the stand-in in electron-stub.fixture.ts.
 * Test-only.
 */
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    const stub = ${JSON.stringify(new URL('./electron-stub.fixture.ts', import.meta.url).href)};
    export async function resolve(specifier, context, next) {
      return specifier === 'electron' ? { url: stub, shortCircuit: true } : next(specifier, context);
    }
  `)}`,
);
