/**
 * The whole IPC contract: every channel and every event the renderer may use. The
 * preload, the browser-mode bridge, main's handler registration and the host are all
 * derived from these two objects.
 */
import type { ApiEvents, ApiMethods } from './define.ts';
import type { ChannelName, EventName } from './names.ts';
import { appChannels } from './app.ts';
import { draftChannels } from './drafts.ts';
import { historyChannels, historyEvents } from './history.ts';
import { inviteeChannels } from './invitee.ts';
import { mpaChannels } from './mpa.ts';
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
  ...inviteeChannels,
  ...mpaChannels,
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

/** What the renderer sees as `window.api`, in Electron and in browser mode alike. */
export type HandleStudioApi = ApiMethods<Channels> & { on: ApiEvents<Events> };

// The names live in names.ts (schema-free, for the bridge); these fail to typecheck when a
// channel or event is declared above and missing there, or listed there and not declared.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ChannelNamesMatch = Holds<Same<ChannelName, keyof Channels>>;
export type EventNamesMatch = Holds<Same<EventName, keyof Events>>;

export { channelNames, eventNames, ipcChannel, ipcEvent, type ChannelName, type EventName } from './names.ts';
