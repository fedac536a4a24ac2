/**
 * Playwright global setup: the tests load the built renderer (out/renderer), so build it
 * first unless E2E_SKIP_BUILD=1 says the caller just did.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export default function buildRenderer(): void {
  if (process.env['E2E_SKIP_BUILD'] === '1') return;
  const build = spawnSync(`${root}node_modules/.bin/electron-vite`, ['build'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${root}node_modules/.bin:${process.env['PATH'] ?? ''}` },
    timeout: 300_000,
  });
  if (build.status !== 0) {
    throw new Error(
      `electron-vite build failed (exit ${String(build.status)}), so there is no renderer to test:\n${build.stdout}\n${build.stderr}`,
    );
  }
}
