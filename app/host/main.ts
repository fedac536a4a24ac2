/**
 * `npm start` without an Electron runtime, or `node app/host/main.ts [--port N]`: starts
 * browser mode on 127.0.0.1 and prints the URL to open (token included).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../core/clock.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { createHandleStudio } from '../core/handle-studio.ts';
import { createExportDownloads } from './export-downloads.ts';
import { startHost } from './server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const portFlag = process.argv.indexOf('--port');
const port = portFlag === -1 ? Number(process.env['HANDLE_STUDIO_PORT'] ?? 0) : Number(process.argv[portFlag + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('--port must be a whole number from 0 to 65535 (0 picks a free port).');
  process.exit(2);
}

const fixedToken = process.env['HANDLE_STUDIO_HOST_TOKEN'];
// The token lets a caller send with the user's stored credentials: a fixed one (for tests) must be as hard to guess as a random one.
if (fixedToken !== undefined && !/^[A-Za-z0-9_-]{32,}$/.test(fixedToken)) {
  console.error('HANDLE_STUDIO_HOST_TOKEN must be at least 32 letters, digits, - or _ (or leave it unset for a random token).');
  process.exit(2);
}

const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
const downloads = createExportDownloads();
const studio = await createHandleStudio({
  dataDir: resolveDataDir(),
  shell: 'browser',
  version,
  fetch: globalThis.fetch,
  clock: systemClock,
  exportDestination: { kind: 'download', offer: downloads.offer },
});
const host = await startHost({
  dispatch: studio.dispatch,
  subscribe: studio.events.subscribe,
  staticDir: `${root}out/renderer`,
  downloads,
  port,
  ...(fixedToken === undefined ? {} : { token: fixedToken }),
});
console.log(`Handle Studio (browser mode) is at ${host.url}`);

async function shutDown(): Promise<void> {
  await host.close();
  await studio.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown());
process.on('SIGTERM', () => void shutDown());
