/**
 * The built preload (out/preload/index.cjs, the file the sandboxed renderer really gets) run
 * against a stand-in for `electron`: it must expose exactly `window.api`, one function per
 * contract channel and one subscription per event, and never hand the page an IPC event.
 */
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelNames, eventNames, ipcChannel, ipcEvent, type HandleStudioApi } from '../shared/contract/index.ts';

const built = join(fileURLToPath(new URL('../../', import.meta.url)), 'out', 'preload', 'index.cjs');

type Listener = (event: unknown, payload: unknown) => void;

function loadPreload() {
  const exposed = new Map<string, unknown>();
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<Listener>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: {
      invoke: async (channel: string, input: unknown) => (invoked.push([channel, input]), { ok: true, value: channel }),
      on: (channel: string, listener: Listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
      removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
    },
  };
  // The preload is CommonJS (a sandboxed preload cannot be a module): intercept its require('electron').
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request, ...rest) => (request === 'electron' ? electron : original(request, ...rest));
  try {
    createRequire(import.meta.url)(built);
  } finally {
    loader._load = original;
  }
  return { exposed, invoked, listeners };
}

describe.skipIf(!existsSync(built))('built preload (out/preload/index.cjs; skipped until `npm run build` has made it)', () => {
  // Loaded when the tests run, not while Vitest collects them: a skipped block's body still runs,
  // and a missing file must skip it, not fail the whole file.
  let exposed: Map<string, unknown>;
  let invoked: Array<[string, unknown]>;
  let listeners: Map<string, Set<Listener>>;
  let api: HandleStudioApi;
  beforeAll(() => {
    ({ exposed, invoked, listeners } = loadPreload());
    api = exposed.get('api') as HandleStudioApi;
  });

  it('exposes only window.api, with one method per channel and one subscription per event', () => {
    expect([...exposed.keys()]).toEqual(['api']);
    expect(
      Object.keys(api)
        .filter((key) => key !== 'on')
        .sort(),
    ).toEqual([...channelNames].sort());
    expect(Object.keys(api.on).sort()).toEqual([...eventNames].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect('invoke' in api || 'send' in api || 'ipcRenderer' in api).toBe(false);
  });

  it('sends each call on its own prefixed channel', async () => {
    await expect(api.listPresets({})).resolves.toEqual({ ok: true, value: ipcChannel('listPresets') });
    expect(invoked).toEqual([[ipcChannel('listPresets'), {}]]);
  });

  it('hands listeners the payload only, and unsubscribes', () => {
    const received: unknown[] = [];
    const stop = api.on.outboxChanged((payload) => received.push(payload));
    const channel = ipcEvent('outboxChanged');
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipc-event-object' }, { counts: { queued: 1 } });
    expect(received).toEqual([{ counts: { queued: 1 } }]);
    stop();
    expect(listeners.get(channel)?.size).toBe(0);
  });
});
