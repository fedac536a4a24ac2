/**
 * The set-up the host's end-to-end tests share, written once: each test gets real core on a
 * data folder of its own (tokens in a memory vault), the real host on a loopback port serving a
 * page folder of its own, and `call`/`value`, which make a contract call over HTTP as the page
 * in the browser does. Both are closed and both folders removed after the test. A test's MPSD
 * is its own: start it in a `beforeEach` registered BEFORE `useHostWorld`, so that it is
 * stopped after core (Vitest runs `afterEach` hooks last-registered first). Test-only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { systemClock } from '../core/clock.ts';
import { MemoryVault } from '../core/credentials/memory-vault.ts';
import { createHandleStudio, type HandleStudio } from '../core/handle-studio.ts';
import { callOverHttp } from '../shared/contract/browser-transport.ts';
import type { ChannelName } from '../shared/contract/index.ts';
import type { Result } from '../shared/errors.ts';
import { createExportDownloads } from './export-downloads.ts';
import { startHost, type Host } from './server.ts';

/** The session token of the world's host: the page sends it with every call. */
export const HOST_TOKEN = 'host-world-session-token-0123456789abcdef';

export interface HostWorldOptions {
  /** Runs on the empty data folder before core opens it (a test's history, say). */
  prepare?: (dataDir: string) => void;
  /** Exports go to one-use download links served by the host, as `app/host/main.ts` sets it up. */
  downloads?: boolean;
}

export interface HostWorld {
  /** This test's data folder. */
  readonly dataDir: string;
  readonly studio: HandleStudio;
  readonly host: Host;
  /** A call as the page makes it; the answer as the page gets it. */
  call: (name: ChannelName, input: unknown) => Promise<Result<unknown>>;
  /** The value of a call that must succeed; a failed call throws with its code and message. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks
  value: <T = any>(name: ChannelName, input: unknown) => Promise<T>;
}

export function useHostWorld(options: HostWorldOptions = {}): HostWorld {
  let running: { dataDir: string; staticDir: string; studio: HandleStudio; host: Host } | undefined;

  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hs-host-world-'));
    const staticDir = mkdtempSync(join(tmpdir(), 'hs-host-world-page-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Handle Studio</title>');
    options.prepare?.(dataDir);
    const downloads = options.downloads === true ? createExportDownloads() : undefined;
    const studio = await createHandleStudio({
      dataDir,
      shell: 'browser',
      version: 'test',
      fetch: globalThis.fetch,
      clock: systemClock,
      openKeychain: async () => new MemoryVault(),
      exportDestination: downloads && { kind: 'download', offer: downloads.offer },
    });
    const host = await startHost({
      dispatch: studio.dispatch,
      subscribe: studio.events.subscribe,
      staticDir,
      token: HOST_TOKEN,
      downloads,
    });
    running = { dataDir, staticDir, studio, host };
  });

  afterEach(async () => {
    if (running === undefined) return;
    const { dataDir, staticDir, studio, host } = running;
    running = undefined;
    await host.close();
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(staticDir, { recursive: true, force: true });
  });

  const now = () => {
    if (running === undefined) throw new Error('The host world exists only inside a test.');
    return running;
  };
  const world: HostWorld = {
    get dataDir() {
      return now().dataDir;
    },
    get studio() {
      return now().studio;
    },
    get host() {
      return now().host;
    },
    call: (name, input) => callOverHttp((path, init) => fetch(`${now().host.origin}${path}`, init), HOST_TOKEN, name, input),
    value: async (name, input) => {
      const answer = await world.call(name, input);
      if (!answer.ok) throw new Error(`${name}: ${answer.error.code} ${answer.error.message}`);
      return answer.value as never;
    },
  };
  return world;
}
