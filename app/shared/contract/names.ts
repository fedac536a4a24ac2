/**
 * The contract's channel and event names, and nothing else. The bridge (the preload and browser
 * mode's api) needs only the names, so it imports this file instead of `index.ts`, which would
 * pull every channel's schemas into the page and the preload. `index.ts` checks when it is
 * typechecked that these lists and the contract's keys are the same, so a channel added there
 * and not here (or the reverse) is a type error.
 */

export const channelNames = [
  // app.ts
  'getAppInfo',
  // requests.ts
  'sendRequest',
  'cancelRequest',
  // profiles.ts
  'listProfiles',
  'saveProfile',
  'removeProfile',
  'activateProfile',
  'getTokenState',
  'pasteToken',
  'signIn',
  'cancelSignIn',
  'signOut',
  'keepSecretsInMemory',
  // presets.ts
  'listPresets',
  'getPreset',
  'createPreset',
  'updatePreset',
  'duplicatePreset',
  'deletePreset',
  'setPresetFavourite',
  'exportPresets',
  'previewPresetImport',
  'importPresets',
  'retrySavePresets',
  // history.ts
  'listHistory',
  'getHistoryEntry',
  'exportHistory',
  'getHistoryRetention',
  'setHistoryRetention',
  // drafts.ts
  'listDrafts',
  'getDraft',
  'saveDraft',
  'renameDraft',
  'deleteDraft',
  // outbox.ts
  'listOutbox',
  'flushOutbox',
  'cancelOutboxFlush',
  'requeueOutboxItem',
  'dismissOutboxItem',
  'reassignOutboxItems',
  // invitee.ts
  'acceptInvite',
  'joinActivity',
  'checkSession',
  'inspectSession',
  'confirmActivity',
  'runRoundTrip',
  // mpa.ts
  'sendMpa',
  'openActivationUri',
] as const;

export const eventNames = [
  'requestProgress',
  'profilesChanged',
  'signInProgress',
  'presetsChanged',
  'historyAppended',
  'outboxChanged',
  'outboxTrouble',
] as const;

export type ChannelName = (typeof channelNames)[number];
export type EventName = (typeof eventNames)[number];

/** IPC channel strings carry the app's prefix so the preload never forwards anything else. */
export const ipcChannel = (name: ChannelName): string => `handle-studio:${name}`;
export const ipcEvent = (name: EventName): string => `handle-studio-event:${name}`;
