/**
 * `npm start` without an Electron runtime, or `node app/host/main.ts [--port N]`: starts
 * browser mode on 127.0.0.1 and prints the URL to open (token included).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../core/clock.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { createHandleStudio } from '../core/handle-studio.ts';
import { startHost } from './server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const portFlag = process.argv.indexOf('--port');
const port = portFlag === -1 ? Number(process.env['HANDLE_STUDIO_PORT'] ?? 0) : Number(process.argv[portFlag + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('--port must be a whole number from 0 to 65535 (0 picks a free port).');
  process.exit(2);
}

const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
const studio = await createHandleStudio({
  dataDir: resolveDataDir(),
  shell: 'browser',
  version,
  fetch: globalThis.fetch,
  clock: systemClock,
});
const host = await startHost({
  dispatch: studio.dispatch,
  subscribe: studio.events.subscribe,
  staticDir: `${root}out/renderer`,
  port,
  ...(process.env['HANDLE_STUDIO_HOST_TOKEN'] ? { token: process.env['HANDLE_STUDIO_HOST_TOKEN'] } : {}),
});
console.log(`Handle Studio (browser mode) is at ${host.url}`);

async function shutDown(): Promise<void> {
  await host.close();
  await studio.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown());
process.on('SIGTERM', () => void shutDown());
