/**
 * The composition root of core: builds every service from the parts the front door passes
 * in (Electron's net.fetch and keychain, or Node's), and exposes one dispatcher for all
 * contract channels plus one event hub. Electron main, the browser-mode host and tests all
 * start the app through here, so they run the same code.
 */
import { mkdirSync } from 'node:fs';
import { channels, events, type Channels } from '../shared/contract/index.ts';
import type { HandlersFor } from '../shared/contract/define.ts';
import { createDispatcher, type Dispatch } from './dispatch.ts';
import { createEventHub, type EventHub } from './event-hub.ts';
import type { Clock, FetchLike } from './ports.ts';

export interface HandleStudioDeps {
  dataDir: string;
  shell: 'electron' | 'browser';
  version: string;
  fetch: FetchLike;
  clock: Clock;
}

export interface HandleStudio {
  dispatch: Dispatch;
  events: EventHub<typeof events>;
  close(): Promise<void>;
}

export async function createHandleStudio(deps: HandleStudioDeps): Promise<HandleStudio> {
  mkdirSync(deps.dataDir, { recursive: true });
  const hub = createEventHub(events);

  const handlers: HandlersFor<Channels> = {
    getAppInfo: async () => ({
      version: deps.version,
      shell: deps.shell,
      platform: process.platform,
      dataDir: deps.dataDir,
    }),
  };

  return {
    dispatch: createDispatcher(channels, handlers),
    events: hub,
    close: async () => {},
  };
}
