/**
 * The composition root of core: builds every service from the parts the front door passes
 * in (Electron's net.fetch, electron-store and keychain, or Node's), and exposes one
 * dispatcher for all contract channels plus one event hub. Electron main, the browser-mode
 * host, the CLI and tests all start the app through here, so they run the same code.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { channels, events, type Channels } from '../shared/contract/index.ts';
import type { HandlersFor } from '../shared/contract/define.ts';
import type * as z from '../shared/zod.ts';
import type { SendResult } from '../shared/contract/requests.ts';
import type { HistoryFilter } from '../shared/contract/history.ts';
import { handleRequestSchema } from '../shared/mpsd/requests.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { keychainOpener } from './credentials/keychain-vault.ts';
import { CredentialsService } from './credentials/credentials-service.ts';
import { parseXblAuthorization } from './credentials/xbl-authorization.ts';
import { createVaultChoice } from './credentials/vault-choice.ts';
import { ensureDataDir, PRODUCT_NAME } from './data-dir.ts';
import { createDispatcher, type Dispatch } from './dispatch.ts';
import { createDraftHandlers } from './drafts/drafts-handlers.ts';
import { openDraftsStore } from './drafts/drafts-store.ts';
import { createEventHub, type EventHub } from './event-hub.ts';
import { createHistoryHandlers, type ExportDestination } from './history/history-handlers.ts';
import { historyExport, type ExportFormat, type HistoryExport } from './history/history-export.ts';
import { createInviteeHandlers } from './invitee/invitee-handlers.ts';
import { openHistoryStore } from './history/history-store.ts';
import { openSharedRateBudgets } from './mpsd/shared-rate-budget.ts';
import { openMpaBudgets } from './mpa/mpa-budgets.ts';
import { createMpaHandlers } from './mpa/mpa-handlers.ts';
import { createMpaSender, type MpaSend } from './mpa/mpa-sender.ts';
import type { MpaResult } from './mpa/mpa-service.ts';
import { AD_HOC_SENDER, isAdHocSender } from './outbox/ad-hoc-sender.ts';
import { createOutboxHandlers } from './outbox/outbox-handlers.ts';
import { OUTBOX_FILE_NAME, outboxFileMigrations } from './outbox/outbox-file.ts';
import { recordInterrupted } from './outbox/interrupted-history.ts';
import { openOutboxStore } from './outbox/outbox-store.ts';
import type { AuthorizationSource, Clock, FetchLike, SecretVault } from './ports.ts';
import { createPresetHandlers } from './presets/presets-handlers.ts';
import { confPresetFileSource, openPresetsStore, type PresetFileSource } from './presets/presets-store.ts';
import { createProfileHandlers, profilesChanged } from './profiles/handlers.ts';
import { ProfileStore, type ProfileStoreOptions } from './profiles/profile-store.ts';
import { startOutboxFlusher } from './requests/outbox-flusher.ts';
import { createSendService } from './requests/send-service.ts';
import { storedWireRequestSchema } from './requests/wire-request-schema.ts';
import { newerSchemaReason } from './storage/sqlite-file.ts';
import { refuseCredentialFields, refusingCredentialFields, rememberingTokens, rememberToken } from './storage/credential-guard.ts';
import { asStorageError, storageFaultError, type StoragePlace } from './storage/storage-errors.ts';
import { openInSystemBrowser } from './system-browser.ts';

export interface HandleStudioDeps {
  dataDir: string;
  shell: 'electron' | 'browser' | 'cli';
  version: string;
  fetch: FetchLike;
  clock: Clock;
  /** The OS keychain; default keytar. Tests and the CLI may pass another vault. */
  openKeychain?: () => Promise<SecretVault>;
  /** Shows a sign-in page; default the system browser. */
  openBrowser?: (url: string) => Promise<void>;
  /** Where the History screen's exports go (a save dialog in Electron, a download in browser mode). */
  exportDestination?: ExportDestination;
  /** Opens an activation URI with the OS (Electron's shell.openExternal); left out where the app must not. */
  openActivationUri?: (uri: string) => Promise<void>;
  /** Electron main passes electron-store; elsewhere Conf (the library electron-store wraps). */
  openProfilesBackingStore?: ProfileStoreOptions['openBackingStore'];
  presetFileSource?: PresetFileSource;
  /** How often waiting outbox items are retried (ms). */
  outboxRetryIntervalMs?: number;
}

/** A storage problem found at start-up, for the banner. */
export interface StorageNotice {
  message: string;
  keptAside?: string;
}

/** The CLI's ad-hoc send: an endpoint and an Authorization from XBL_AUTHORIZATION, no profile. */
export interface AdHocSend {
  runId?: string;
  /** Parsed here with the contract's request schema, exactly as a dispatched sendRequest would be. */
  request: z.input<typeof handleRequestSchema>;
  recipientLabels?: Record<string, string>;
  endpoint: string;
  contractVersion: 104 | 105 | 107;
  locale?: string;
  authorization: AuthorizationSource;
}

export interface HandleStudio {
  dispatch: Dispatch;
  events: EventHub<typeof events>;
  sendAdHoc(send: AdHocSend): Promise<SendResult>;
  /** A Multiplayer Activity call, as a profile or with XBL_AUTHORIZATION (see mpa/mpa-sender.ts). */
  sendMpa(send: MpaSend): Promise<MpaResult>;
  /** The filtered history as CSV or JSON, streamed from the database as it is read (the CLI's `history export`). */
  exportHistory(format: ExportFormat, filter: HistoryFilter): HistoryExport;
  notices: StorageNotice[];
  close(): Promise<void>;
}

export async function createHandleStudio(deps: HandleStudioDeps): Promise<HandleStudio> {
  ensureDataDir(deps.dataDir);
  const hub = createEventHub(events);
  const notices: StorageNotice[] = [];

  const profiles = ProfileStore.open({
    directory: deps.dataDir,
    ...(deps.openProfilesBackingStore ? { openBackingStore: deps.openProfilesBackingStore } : {}),
  });
  const vaults = createVaultChoice(deps.openKeychain ?? keychainOpener({ service: PRODUCT_NAME }));
  const credentials = new CredentialsService({
    vaults,
    profiles,
    fetch: deps.fetch,
    openBrowser: deps.openBrowser ?? ((url) => openInSystemBrowser(url)),
    clock: deps.clock,
    onTokenChanged: () => hub.publish('profilesChanged', profilesChanged(profiles)),
  });
  const history = openHistoryStore({ dataDir: deps.dataDir, onAppended: (summary) => hub.publish('historyAppended', summary) });
  // Whatever the outbox meets at open (it may write, to settle rows of a process that died) is a storage problem, in words.
  const outboxPath = join(deps.dataDir, OUTBOX_FILE_NAME);
  const outbox = opening(
    { what: 'outbox database', path: outboxPath, folder: deps.dataDir },
    () => newerSchemaReason(outboxPath, outboxFileMigrations, 'outbox'),
    () =>
      openOutboxStore({
        dataDir: deps.dataDir,
        requestSchema: storedWireRequestSchema,
        onChange: (counts) => hub.publish('outboxChanged', { counts }),
        profileNameOf: (profileId) => (isAdHocSender(profileId) ? AD_HOC_SENDER.profileName : profiles.get(profileId)?.name),
        // An invite whose process died waiting for MPSD's answer may have landed: History lists it.
        onInterrupted: (items) => {
          const problem = recordInterrupted(history, items, (id) => profiles.get(id));
          if (problem) notices.push({ message: problem });
        },
      }),
  );
  const presets = openPresetsStore({
    source: deps.presetFileSource ?? confPresetFileSource(deps.dataDir),
    // A CLI command exits after it: a change it cannot write is not kept for a retry, and it says to run the command again.
    keepUnsavedChanges: deps.shell !== 'cli',
    onChange: (list) => hub.publish('presetsChanged', { count: list.length }),
  });
  const drafts = openDraftsStore({ dataDir: deps.dataDir });

  collectNotices();
  // Said once, when it happens: the app shows notices, and the send goes on paced by this process alone.
  // MPSD's and MPA's budgets share one file, so its failure reaches this from both: one notice.
  const onRateBudgetFallback = (message: string) => {
    if (!notices.some((notice) => notice.message === message)) notices.push({ message });
  };
  const rateBudgets = openSharedRateBudgets({ dataDir: deps.dataDir, clock: deps.clock, onFallback: onRateBudgetFallback });

  const sender = createSendService({
    fetch: deps.fetch,
    clock: deps.clock,
    history,
    outbox,
    rateBudgetFor: rateBudgets.budgetFor,
    // MPA's queued calls share the outbox; `mpa` is made below and is only called once items flush.
    deliverMpa: (item, signal) => mpa.deliver(item, signal),
    targetForProfile: (profileId) => {
      const profile = profileId === undefined ? profiles.active() : profiles.get(profileId);
      if (!profile) {
        throw new HandleStudioError(
          profileId === undefined ? 'NO_CREDENTIALS' : 'NOT_FOUND',
          profileId === undefined
            ? 'No profile is active: add one in Profiles (or with `handle-studio profile add`) first.'
            : 'That profile no longer exists: pick another one.',
        );
      }
      return {
        profileId: profile.id,
        sender: { profileId: profile.id, profileName: profile.name, sandbox: profile.sandboxId },
        endpoint: profile.endpoint,
        contractVersion: profile.contractVersion,
        locale: profile.locale,
        authorization: rememberingTokens(credentials.authorizationFor(profile.id)),
        canQueue: true,
      };
    },
    onProgress: (progress) => hub.publish('requestProgress', progress),
  });
  let outboxNotice: StorageNotice | null = null;
  // MPA's four buckets are keys on the same connection as MPSD's budgets: the file is opened once.
  const mpaBudgets = openMpaBudgets({ shared: rateBudgets });
  const mpa = createMpaSender({
    fetch: deps.fetch,
    clock: deps.clock,
    budgets: mpaBudgets,
    history,
    outbox,
    profile: (profileId) => {
      const profile = profileId === undefined ? profiles.active() : profiles.get(profileId);
      return (
        profile && {
          id: profile.id,
          name: profile.name,
          sandbox: profile.sandboxId,
          endpoint: profile.endpoint,
          authorization: rememberingTokens(credentials.authorizationFor(profile.id)),
        }
      );
    },
    adHocSender: adHocBudgetKey,
  });
  const sendMpa = mpa.send;
  const flusher = startOutboxFlusher(outbox, sender.deliver, {
    intervalMs: deps.outboxRetryIntervalMs,
    // Queued invites that cannot go out must not wait in silence: a banner now, the notice for
    // the next window, and a line in the log (stderr) for whoever reads it later.
    onTrouble: (problem) => {
      if (outboxNotice) notices.splice(notices.indexOf(outboxNotice), 1);
      outboxNotice = problem && { message: `Queued invites are not being sent: ${problem.message}` };
      if (outboxNotice) notices.push(outboxNotice);
      console.warn(`Handle Studio: ${outboxNotice?.message ?? 'queued invites are being sent again.'}`);
      hub.publish('outboxTrouble', { problem });
    },
  });
  // A pasted token or a sign-in may be what queued items were waiting for.
  const stopPoking = hub.subscribe((name) => {
    if (name === 'profilesChanged') flusher.poke();
  });

  const handlers: HandlersFor<Channels> = {
    getAppInfo: async () => ({
      version: deps.version,
      shell: deps.shell === 'electron' ? 'electron' : 'browser',
      platform: process.platform,
      dataDir: deps.dataDir,
      notices,
    }),
    sendRequest: (input) => sender.send(input),
    cancelRequest: async ({ runId }) => ({ cancelled: sender.cancel(runId) }),
    ...createProfileHandlers({ profiles, credentials, publish: hub.publish, fetch: deps.fetch }),
    ...createHistoryHandlers({ history, ...(deps.exportDestination ? { exportDestination: deps.exportDestination } : {}) }),
    ...createPresetHandlers({ presets }),
    ...createDraftHandlers({ drafts }),
    ...createOutboxHandlers({ outbox, deliver: sender.deliver, profile: (id) => profiles.get(id), onReassigned: () => flusher.poke() }),
    ...createInviteeHandlers({ send: (input) => sender.send(input), profiles, credentials, history, presets }),
    ...createMpaHandlers({ sendMpa, openExternal: deps.openActivationUri, os: () => process.platform }),
  };

  function collectNotices(): void {
    const profileNotice = profiles.status().notice;
    if (profileNotice) notices.push(profileNotice);
    if (history.status.damagedFileMovedTo) {
      const why = history.status.damage ? ` (${history.status.damage})` : '';
      notices.push({
        message: `The history database was damaged${why}, so history starts empty. The damaged file was kept as ${history.status.damagedFileMovedTo}.`,
        keptAside: history.status.damagedFileMovedTo,
      });
    }
    if (history.status.readOnlyReason) notices.push({ message: history.status.readOnlyReason });
    if (outbox.status.damagedFileMovedTo) {
      notices.push({
        message: `The outbox database was damaged, so the outbox and drafts start empty. The damaged file, with any queued invites and drafts in it, was kept as ${outbox.status.damagedFileMovedTo}.`,
        keptAside: outbox.status.damagedFileMovedTo,
      });
    }
    // The drafts store opens the same file after the outbox, so it reports a newer file for both.
    if (drafts.status.readOnlyReason) notices.push({ message: drafts.status.readOnlyReason });
    if (drafts.status.unreadable.length > 0) {
      const names = drafts.status.unreadable.map((draft) => `"${draft.name}" (${draft.reason})`).join(', ');
      notices.push({
        message: `${drafts.status.unreadable.length} draft(s) cannot be read and are left out of the list: ${names}. They are kept in the outbox database.`,
      });
    }
    if (outbox.status.interruptedAtOpen > 0) {
      notices.push({
        message: `${outbox.status.interruptedAtOpen} outbox item(s) were being sent when Handle Studio stopped: they are marked "outcome unknown" in the Outbox and in History. Check the session or the recipient before resending.`,
      });
    }
    if (outbox.status.droppedAtOpen > 0) {
      notices.push({
        message: `${outbox.status.droppedAtOpen} invite(s) of a send that stopped before reaching them were not sent and were not queued (nobody asked to). Send to them again if they should go.`,
      });
    }
    const presetStatus = presets.status();
    if (presetStatus.damagedFileMovedTo) {
      const { keptPresets: kept, unreadablePresets: unreadable } = presetStatus;
      // Say what was kept, and "nothing" when nothing was (a torn file is not read at all).
      const what =
        kept === 0
          ? `nothing in it could be read, so no preset was kept${unreadable > 0 ? ` (${unreadable} preset(s) in it are unreadable)` : ''}`
          : `${kept} preset(s) were kept${unreadable > 0 ? ` and ${unreadable} could not be read` : ''}`;
      notices.push({
        message: `The presets file was damaged: ${what}. The original file is kept as ${presetStatus.damagedFileMovedTo}.`,
        keptAside: presetStatus.damagedFileMovedTo,
      });
    }
    if (presetStatus.readOnlyReason) notices.push({ message: presetStatus.readOnlyReason });
  }

  /** Where the safety net below says a disk fault happened; a newer build's read-only files explain a refused write. */
  const dataPlace: StoragePlace = { what: 'data', path: deps.dataDir, folder: deps.dataDir };
  const readOnlyReasons = [history.status.readOnlyReason, drafts.status.readOnlyReason, presets.status().readOnlyReason].filter(
    (reason) => reason !== undefined,
  );
  if (readOnlyReasons.length > 0) dataPlace.readOnlyReason = readOnlyReasons.join(' ');

  return {
    dispatch: createDispatcher(
      channels,
      withStorageFaults(
        refusingCredentialFields(handlers, {
          // Where a token goes: straight to the vault.
          exempt: new Set(['pasteToken']),
          sends: SENDS,
          readSendersTokens: async (input) => {
            for (const profileId of sendersOf(input)) {
              const profile = profileId === undefined ? profiles.active() : profiles.get(profileId);
              if (profile) await rememberHeldToken(credentials.authorizationFor(profile.id));
            }
          },
        }),
        dataPlace,
      ),
    ),
    events: hub,
    notices,
    sendAdHoc: async (send) => {
      await rememberHeldToken(send.authorization);
      refuseCredentialFields({ request: send.request, recipientLabels: send.recipientLabels }, 'Not sent');
      return sender.sendTo(
        {
          sender: AD_HOC_SENDER,
          endpoint: send.endpoint,
          contractVersion: send.contractVersion,
          locale: send.locale ?? 'en-US',
          authorization: send.authorization,
          canQueue: false,
          budgetKey: await adHocBudgetKey(send.authorization),
        },
        {
          runId: send.runId ?? crypto.randomUUID(),
          request: parseOrThrow(handleRequestSchema, send.request, 'Request'),
          ...(send.recipientLabels ? { recipientLabels: send.recipientLabels } : {}),
        },
      );
    },
    sendMpa,
    exportHistory: (format, filter) => historyExport(history, format, filter, deps.clock.now()),
    close: async () => {
      stopPoking();
      await flusher.stop();
      // A token MPSD refused during this run must be on record for the next process.
      await credentials.settle();
      history.close();
      outbox.close();
      drafts.close();
      rateBudgets.close();
    },
  };
}

/** The channels that send as a profile: their fields are checked against its token too. */
const SENDS: ReadonlySet<string> = new Set([
  'sendRequest',
  'sendMpa',
  'acceptInvite',
  'joinActivity',
  'checkSession',
  'inspectSession',
  'confirmActivity',
  'runRoundTrip',
]);

/** The profiles a send's input names (undefined: the active one). */
function sendersOf(input: unknown): Array<string | undefined> {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const named = ['profileId', 'fromProfileId', 'toProfileId'].map((key) => fields[key]).filter((id) => typeof id === 'string');
  return named.length > 0 ? named : [undefined];
}

/**
 * Remembers the token `source` holds, so no field of the send may carry it: the one it holds even
 * when it may not be used (expired, refused), since such a send may still be queued with its
 * labels. A token that cannot be read at all (the keychain locked) is left to the send, which
 * says why it cannot go (and does not queue unchecked, requests/token-in-fields.ts).
 */
async function rememberHeldToken(source: AuthorizationSource): Promise<void> {
  try {
    const held = source.held ? await source.held() : await source.current();
    if (held !== undefined) rememberToken(held);
  } catch {
    // See above: the send reports it.
  }
}

/**
 * Opens a store; anything but a HandleStudioError it throws is a STORAGE error about `place`
 * (a refused write explained by `readOnlyReason` when a newer build wrote the file).
 */
function opening<T>(place: StoragePlace, readOnlyReason: () => string | undefined, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const reason = readOnlyReason();
    throw asStorageError(error, reason === undefined ? place : { ...place, readOnlyReason: reason });
  }
}

/**
 * The safety net under every channel: a disk fault a store did not put in words itself (the
 * disk filling up mid-write, the folder turning read-only, a page found damaged) becomes a
 * STORAGE error with the fix, never INTERNAL.
 */
function withStorageFaults(handlers: HandlersFor<Channels>, place: StoragePlace): HandlersFor<Channels> {
  const guarded: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[string, (input: never) => Promise<unknown>]>) {
    guarded[name] = async (input) => {
      try {
        return await handler(input);
      } catch (error) {
        throw storageFaultError(error, place) ?? error;
      }
    };
  }
  return guarded as unknown as HandlersFor<Channels>;
}

/**
 * The rate budget of a sender without a profile: MPSD counts calls per user, so two users
 * sending with XBL_AUTHORIZATION must not share (and pause) one budget. The key is a digest of
 * the header's user hash, so the budget file holds nothing taken from a credential. Without a
 * readable value the send fails before any call anyway; the shared key is then harmless.
 */
async function adHocBudgetKey(authorization: AuthorizationSource): Promise<string> {
  try {
    const { uhs } = parseXblAuthorization(await authorization.current());
    return `environment/${createHash('sha256').update(uhs).digest('hex').slice(0, 16)}`;
  } catch {
    return 'environment';
  }
}
