/**
 * Main's IPC boundary with Electron mocked (no Electron runtime runs on CI): one handler per
 * contract channel, and a call is dispatched only when it comes from our own page's top frame.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channelNames, ipcChannel } from '../shared/contract/index.ts';

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: Handler) => handlers.set(channel, handler) },
}));

const { registerChannels } = await import('./ipc.ts');

function frameEvent(url: string, parent: unknown = null) {
  return { senderFrame: { url, parent } };
}

describe('registerChannels', () => {
  const dispatched: Array<[string, unknown]> = [];

  beforeEach(() => {
    handlers.clear();
    dispatched.length = 0;
    registerChannels(async (name, input) => {
      dispatched.push([name, input]);
      return { ok: true, value: 'answered' };
    });
  });

  it('registers exactly one handler per contract channel, under the app prefix', () => {
    expect([...handlers.keys()].sort()).toEqual(channelNames.map(ipcChannel).sort());
  });

  it('dispatches calls from our own page', async () => {
    const handler = handlers.get(ipcChannel('getAppInfo'))!;
    await expect(handler(frameEvent('app://handle-studio/index.html'), {})).resolves.toEqual({ ok: true, value: 'answered' });
    expect(dispatched).toEqual([['getAppInfo', {}]]);
  });

  it('refuses calls from any other page or from a sub-frame, without dispatching', async () => {
    const handler = handlers.get(ipcChannel('listProfiles'))!;
    for (const event of [
      frameEvent('https://attacker.example/'),
      frameEvent('file:///tmp/page.html'),
      frameEvent('app://handle-studio.attacker/index.html'),
      frameEvent('app://handle-studio/index.html', { url: 'app://handle-studio/index.html' }),
      { senderFrame: null },
    ]) {
      await expect(handler(event, {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(dispatched).toHaveLength(0);
  });
});
