/**
 * Builds `window.api` from the contract over any transport: Electron's ipcRenderer in the
 * preload, HTTP + Server-Sent Events in browser mode. Both produce the same
 * `HandleStudioApi`, one method per channel and one subscription per event, and nothing
 * else: no generic invoke, no raw event objects. It reads the names from `names.ts` and only
 * types from `index.ts`, so no channel schema is bundled into the page or the preload for it.
 */
import type { Result } from '../errors.ts';
import type { HandleStudioApi } from './index.ts';
import { channelNames, eventNames, type ChannelName, type EventName } from './names.ts';

export type Invoke = (name: ChannelName, input: unknown) => Promise<Result<unknown>>;
export type Listen = (name: EventName, listener: (payload: unknown) => void) => () => void;

export function buildApi(invoke: Invoke, listen: Listen): HandleStudioApi {
  const methods = Object.fromEntries(channelNames.map((name) => [name, (input: unknown) => invoke(name, input ?? {})]));
  const on = Object.fromEntries(eventNames.map((name) => [name, (listener: (payload: unknown) => void) => listen(name, listener)]));
  // The keys come from the contract itself, so the shape matches HandleStudioApi by construction.
  return Object.freeze({ ...methods, on: Object.freeze(on) }) as unknown as HandleStudioApi;
}
