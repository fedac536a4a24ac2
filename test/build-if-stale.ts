/**
 * Vitest global setup: some unit tests load the built app (out/main, out/preload, the
 * packaging and security checks), so a fresh clone's `npx vitest run` builds it first, and so
 * does a run after a source file changed since the last build. A build that is current is left
 * alone (`npm test` builds just before the unit tests). The tests that need out/ still skip,
 * saying why, if it is missing all the same.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import buildApp from './e2e/build-renderer.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

/** What the build makes and the tests load. */
const OUTPUTS = ['out/main/index.js', 'out/main/keychain-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/** What the build reads: app and renderer sources (not tests) and the build's own settings. */
const INPUT_FOLDERS = ['app', 'renderer'];
const INPUT_FILES = [
  'electron.vite.config.ts',
  // What electron.vite.config.ts imports for out/main.
  'scripts/node-bundle-options.ts',
  'scripts/builtins-without-esm-facade.ts',
  'svelte.config.js',
  'package.json',
];

function modified(path: string): number | undefined {
  return statSync(join(root, path), { throwIfNoEntry: false })?.mtimeMs;
}

function newestInput(folder: string): { path: string; at: number } | undefined {
  let newest: { path: string; at: number } | undefined;
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || /\.(test|fixture)\.ts$/.test(entry.name) || entry.parentPath.includes('node_modules')) continue;
    const path = join(entry.parentPath, entry.name).slice(root.length);
    const at = modified(path) ?? 0;
    if (newest === undefined || at > newest.at) newest = { path, at };
  }
  return newest;
}

/** Why the build in out/ cannot be used as it is, or undefined when it can. */
export function whyBuild(): string | undefined {
  const missing = OUTPUTS.find((path) => modified(path) === undefined);
  if (missing !== undefined) return `${missing} is missing`;
  const builtAt = Math.min(...OUTPUTS.map((path) => modified(path) ?? 0));
  const inputs = [...INPUT_FOLDERS.map(newestInput), ...INPUT_FILES.map((path) => ({ path, at: modified(path) ?? 0 }))];
  const changed = inputs.filter((input) => input !== undefined).find((input) => input.at > builtAt);
  return changed === undefined ? undefined : `${changed.path} changed after the last build`;
}

export default function buildIfStale(): void {
  const reason = whyBuild();
  if (reason === undefined) return;
  console.log(`Building the app first (${reason}; some tests load out/)...`);
  buildApp();
}
