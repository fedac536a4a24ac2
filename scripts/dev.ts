/**
 * `npm run dev [-- --browser]`: the app with live reload while you edit.
 *
 *  - Electron (where its runtime is installed): `electron-vite dev --watch` after one build,
 *    so saving a main or preload file rebuilds them and restarts Electron. The window keeps
 *    loading the built renderer through app:// (main's IPC and navigation checks only trust
 *    that origin), so renderer edits show live in browser mode.
 *  - Browser mode (no Electron, or --browser): the real core behind `app/host` for /api, and
 *    Vite's dev server for the renderer in front of it, so a saved .svelte/.ts file under
 *    renderer/ is swapped into the open page (HMR) without losing its state.
 *
 * Stop with Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createServer, type UserConfig } from 'vite';
import electronViteConfig from '../electron.vite.config.ts';
import { electronViteCli, locateElectron, runForwarding } from './start.ts';

const PROJECT_DIR = resolve(import.meta.dirname, '..');

async function browserMode(): Promise<number> {
  // The host's per-run token, chosen here so the dev server's URL can carry it.
  const token = randomBytes(32).toString('base64url');
  const host = spawn(process.execPath, [join('app', 'host', 'main.ts'), '--port', '0'], {
    cwd: PROJECT_DIR,
    env: { ...process.env, HANDLE_STUDIO_HOST_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const hostOrigin = await new Promise<string>((found, failed) => {
    let printed = '';
    host.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      printed += chunk;
      const origin = /is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1];
      if (origin !== undefined) found(origin);
    });
    host.once('close', (code) => failed(new Error(`browser mode's host ended (exit ${code}) before it printed its address`)));
  });

  const renderer = (electronViteConfig as { renderer: UserConfig }).renderer;
  const server = await createServer({
    ...renderer,
    root: join(PROJECT_DIR, 'renderer'),
    configFile: false,
    server: {
      host: '127.0.0.1',
      // The host answers only its own origin (it refuses cross-origin calls): the proxy speaks as it.
      proxy: { '/api': { target: hostOrigin, changeOrigin: true, headers: { origin: hostOrigin } } },
    },
  });
  await server.listen();
  const address = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
  console.log(`Handle Studio (browser mode, live reload) is at ${address}?token=${token}`);

  return new Promise((done) => {
    const stop = () => {
      void server.close().then(() => {
        host.kill('SIGTERM');
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    host.once('close', (code) => {
      void server.close();
      done(code ?? 0);
    });
  });
}

async function electronMode(): Promise<number> {
  const cli = electronViteCli(PROJECT_DIR);
  const built = await runForwarding(process.execPath, [cli, 'build'], { cwd: PROJECT_DIR });
  if (built !== 0) return built;
  // ELECTRON_RUN_AS_NODE left in the environment would make Electron a plain Node.
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...env } = process.env;
  return runForwarding(process.execPath, [cli, 'dev', '--watch'], { cwd: PROJECT_DIR, env });
}

const args = process.argv.slice(2);
if (args.some((arg) => arg !== '--browser')) {
  console.error('Usage: npm run dev [-- --browser]   (--browser skips Electron and serves the renderer with live reload)');
  process.exitCode = 2;
} else {
  const runtime = locateElectron(PROJECT_DIR);
  if (!args.includes('--browser') && !runtime.found)
    console.log(`No Electron runtime here (${runtime.reason}); live reload in browser mode instead.`);
  process.exitCode = !args.includes('--browser') && runtime.found ? await electronMode() : await browserMode();
}
