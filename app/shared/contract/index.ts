/**
 * The whole IPC contract: every channel and every event the renderer may use. The
 * preload, the browser-mode bridge, main's handler registration and the host are all
 * derived from these two objects.
 */
import type { ApiEvents, ApiMethods } from './define.ts';
import { appChannels } from './app.ts';
import { draftChannels } from './drafts.ts';
import { historyChannels, historyEvents } from './history.ts';
import { outboxChannels, outboxEvents } from './outbox.ts';
import { presetChannels, presetEvents } from './presets.ts';
import { profileChannels, profileEvents } from './profiles.ts';
import { requestChannels, requestEvents } from './requests.ts';

export const channels = {
  ...appChannels,
  ...requestChannels,
  ...profileChannels,
  ...presetChannels,
  ...historyChannels,
  ...draftChannels,
  ...outboxChannels,
};

export const events = {
  ...requestEvents,
  ...profileEvents,
  ...presetEvents,
  ...historyEvents,
  ...outboxEvents,
};

export type Channels = typeof channels;
export type Events = typeof events;
export type ChannelName = keyof Channels & string;
export type EventName = keyof Events & string;

/** What the renderer sees as `window.api`, in Electron and in browser mode alike. */
export type HandleStudioApi = ApiMethods<Channels> & { on: ApiEvents<Events> };

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

/** IPC channel strings carry the app's prefix so the preload never forwards anything else. */
export const ipcChannel = (name: ChannelName): string => `handle-studio:${name}`;
export const ipcEvent = (name: EventName): string => `handle-studio-event:${name}`;
