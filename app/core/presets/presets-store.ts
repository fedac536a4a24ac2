/**
 * Presets, in `presets.json` in the data folder, written whole through conf (Electron main
 * passes electron-store, a conf subclass; both fit `PresetFile`), which replaces the file
 * atomically (a temp file, fsync, rename).
 *
 * The app, the browser-mode host and any number of CLI commands share the file, so every
 * change is a read-modify-write of the file as it is NOW, under a lock all of them take
 * (storage/file-lock.ts): a preset another process saved is never written over by a stale
 * list. Reads look at the file again whenever it changed since this process last read it.
 *
 * - A file that is not JSON or holds entries that cannot be read is moved aside to
 *   `presets.json.damaged-<time>` and the store opens with what could be read; `status()`
 *   says so, for the UI to tell the user.
 * - An older file is upgraded on open; the original is kept as `presets.json.before-v<n>`.
 * - When the folder cannot be written (read-only, full, gone), the app keeps the change in
 *   memory (applied over whatever the file holds), the call answers STORAGE saying so, and
 *   `retrySave()` (or the next change) writes it. A process that exits after the command (the
 *   CLI) keeps nothing: its error says that nothing was saved and to run the command again.
 */
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HandleStudioError } from '../../shared/errors.ts';
import type { Preset, PresetInput, PresetService } from '../../shared/presets/preset.ts';
import { presetInputSchema } from '../../shared/presets/preset.ts';
import { formatPresetFile, parsePresetFile, sharedFieldsOf, type SharedPreset } from '../../shared/presets/preset-file.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { fieldHoldingCredential, refuseCredentialFields } from '../storage/credential-guard.ts';
import { lazyConfFile } from '../storage/conf-file.ts';
import { fingerprintOfFile } from '../storage/file-fingerprint.ts';
import { withFileLock, type FileLockOptions } from '../storage/file-lock.ts';
import { asStorageError, diskFault } from '../storage/storage-errors.ts';
import { PRESET_DOCUMENT_VERSION, presetDocument, readPresetDocument } from './preset-document.ts';

/** The part of conf / electron-store this store uses: the whole document, read and written at once. */
export interface PresetFile {
  readonly path: string;
  store: Record<string, unknown>;
}

/** Where presets live: the file's path (to move a damaged one aside) and how to open it. */
export interface PresetFileSource {
  path: string;
  open(): PresetFile;
}

/** presets.json in the data folder, through conf (atomic writes: temp file + rename). */
export function confPresetFileSource(dataDir: string): PresetFileSource {
  return {
    path: join(dataDir, 'presets.json'),
    open: () => lazyConfFile({ cwd: dataDir, configName: 'presets', clearInvalidConfig: false }),
  };
}

export interface PresetsStatus {
  path: string;
  /** Where the damaged file was moved, when it was. */
  damagedFileMovedTo?: string;
  /** How many saved presets could not be read (they remain in the damaged file). */
  unreadablePresets: number;
  /** How many presets were read from the file (0 for a file that could not be read at all). */
  keptPresets: number;
  /** The version the file was upgraded from on open, and where the original was kept. */
  upgradedFrom?: { version: number; backupPath: string };
  /** True when a change is held only in memory because the last write failed. */
  unsavedChanges: boolean;
  lastSaveError?: string;
  /** Set when the file was written by a newer Handle Studio: it is read but never overwritten. */
  readOnlyReason?: string;
}

export interface PresetListOptions {
  /** Matches name, notes, session or template name, recipient labels and XUIDs (case-insensitive). */
  search?: string;
  favouritesOnly?: boolean;
  /** Only presets for this service (a profile is offered the presets of its own service). */
  service?: PresetService;
}

export interface PresetImportResult {
  added: number;
  updated: number;
  /** Same-named presets already saved exactly as the file has them: left as they are. */
  unchanged: number;
  presets: Preset[];
}

/** What importing a file would do, by preset name, before anything changes. */
export interface PresetImportPreview {
  added: string[];
  replaced: string[];
  unchanged: string[];
}

export interface PresetImportOptions {
  /** False: refuse the whole import (nothing changes) when it would replace a saved preset. */
  replaceExisting: boolean;
}

export interface PresetsStore {
  status(): PresetsStatus;
  /** Favourites first, then by name. */
  list(options?: PresetListOptions): Preset[];
  get(id: string): Preset;
  create(input: PresetInput): Preset;
  /** Replaces the editable fields of a preset. */
  update(id: string, input: PresetInput): Preset;
  /** A copy named "<name> (copy)", not a favourite. */
  duplicate(id: string): Preset;
  delete(id: string): void;
  setFavourite(id: string, favourite: boolean): Preset;
  /** The team file for the given presets (all when none given). */
  exportFile(ids?: readonly string[]): string;
  /** Reads a team file (refusing it as importFile would) and says which presets are new, replaced or unchanged. */
  previewImport(text: string): PresetImportPreview;
  /**
   * Adds the file's presets, replacing same-named ones (names compare case-insensitively)
   * when `replaceExisting` allows it. All or nothing: one bad preset, or one replacement
   * not allowed, and nothing changes.
   */
  importFile(text: string, options: PresetImportOptions): PresetImportResult;
  /** Writes what is in memory after a failed save. */
  retrySave(): void;
}

export interface OpenPresetsOptions {
  source: PresetFileSource;
  onChange?: (presets: Preset[]) => void;
  now?: () => number;
  /**
   * False for a process that exits after one command (the CLI): a change that cannot be
   * written is not kept for a later retry, and the error says to run the command again.
   * Default true (the app).
   */
  keepUnsavedChanges?: boolean;
  /** How long to wait for another process's change to the file (tests shorten it). */
  lock?: FileLockOptions;
}

/** A preset's own fields, either kind (Omit on each member keeps `service` telling them apart). */
type PresetFields = Preset extends infer Each
  ? Each extends Preset
    ? Omit<Each, 'id' | 'profileId' | 'favourite' | 'updatedAt'>
    : never
  : never;

function timestampForFileName(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** How a failed read or write of the file is put: what failed, and what became of the change. */
type Failure = 'read' | 'kept' | 'not-saved';

const FAILURE_WORDS: Record<Failure, (fault: string) => string> = {
  read: (fault) => `Presets could not be read. ${fault}`,
  kept: (fault) =>
    `Presets could not be saved. ${fault} Your change is kept in memory while Handle Studio runs; save again once that is fixed.`,
  'not-saved': (fault) => `Presets could not be saved. ${fault} Nothing was saved: run the command again once that is fixed.`,
};

function storageError(error: unknown, path: string, failure: Failure): HandleStudioError {
  // Already in words: a refused change, or a lock another process held too long (it says what to do).
  if (error instanceof HandleStudioError) return error;
  const fault = asStorageError(error, { what: 'presets file', path });
  return new HandleStudioError('STORAGE', FAILURE_WORDS[failure](fault.message), fault.details);
}

/** A change waiting to be written: applied to the list as the file holds it, never failing. */
type PendingChange = (list: Preset[]) => Preset[];

/** `list` with `presets` in place of those with the same ids, the others added at the end. */
function upsert(list: Preset[], presets: readonly Preset[]): Preset[] {
  const byId = new Map(presets.map((p) => [p.id, p]));
  const next = list.map((p) => byId.get(p.id) ?? p);
  for (const preset of presets) if (!list.some((p) => p.id === preset.id)) next.push(preset);
  return next;
}

function byFavouriteThenName(a: Preset, b: Preset): number {
  if (a.favourite !== b.favourite) return a.favourite ? -1 : 1;
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
}

/** True when a saved preset already holds exactly what the file has for it (name, session, attributes, recipients, notes). */
function sameShared(saved: Preset, shared: SharedPreset): boolean {
  return JSON.stringify(sharedFieldsOf(saved)) === JSON.stringify(sharedFieldsOf(shared));
}

function searchableText(preset: Preset): string {
  const own =
    preset.service === 'mpa'
      ? [preset.activity?.connectionString ?? '', preset.activity?.groupId ?? '', preset.invite.connectionString ?? '']
      : [preset.sessionRef.templateName, 'name' in preset.sessionRef ? preset.sessionRef.name : ''];
  return [preset.name, preset.notes, ...own, ...preset.recipients.flatMap((r) => [r.label, r.xuid])].join('\n').toLowerCase();
}

/** Every field of a preset a person typed: any of them may be where a token was pasted by mistake (checked before saving or sharing). */
function typedFields(preset: Preset | SharedPreset | PresetFields): Record<string, unknown> {
  const { profileId: _profileId, ...fields } = preset as PresetFields & { profileId?: string };
  return fields;
}

/** Opens the presets: reads (upgrading or recovering as needed); see the top of this file for what is shared how. */
export function openPresetsStore(options: OpenPresetsOptions): PresetsStore {
  const now = options.now ?? Date.now;
  const { source } = options;
  const keepUnsaved = options.keepUnsavedChanges ?? true;
  const status: PresetsStatus = { path: source.path, unreadablePresets: 0, keptPresets: 0, unsavedChanges: false };

  let file: PresetFile | undefined;
  /** The presets as the file held them when last read or written. */
  let onDisk: Preset[] = [];
  /** Changes the app could not write yet, in order (see the top of this file). */
  let pending: PendingChange[] = [];
  /** What this process shows: the file's presets with the pending changes applied. */
  let presets: Preset[] = [];
  /** The file as last read or written here, to tell when another process changed it. */
  let seen = '';
  /** The file needs rewriting: it was upgraded or recovered, and that is not written yet. */
  let rewriteWanted = false;

  const locked = <T>(work: () => T): T => withFileLock(source.path, 'presets file', work, options.lock);

  function moveDamagedAside(): void {
    const movedTo = `${source.path}.damaged-${timestampForFileName(now())}`;
    renameSync(source.path, movedTo);
    status.damagedFileMovedTo = movedTo;
  }

  /** The file's document; a torn one moved aside (and then `movedAside`, the document empty). */
  function readRaw(): { raw: Record<string, unknown>; movedAside: boolean } {
    try {
      file ??= source.open();
      return { raw: { ...file.store }, movedAside: false };
    } catch (error) {
      // conf throws SyntaxError for a torn or hand-broken file; anything else is the folder's fault.
      if ((error as Error | null)?.name !== 'SyntaxError' || !existsSync(source.path)) throw storageError(error, source.path, 'read');
      moveDamagedAside();
      file = source.open();
      return { raw: {}, movedAside: true };
    }
  }

  /** Reads the file as it is now (holding the lock: it may move a damaged file aside or rewrite an old one). */
  function load(): void {
    const { raw, movedAside } = readRaw();
    const read = readPresetDocument(raw);
    onDisk = read.presets;
    status.keptPresets = read.presets.length;
    rewriteWanted ||= movedAside;
    delete status.readOnlyReason;
    if (read.fileVersion > PRESET_DOCUMENT_VERSION) {
      status.readOnlyReason = `presets.json was written by a newer Handle Studio (file version ${read.fileVersion}); update Handle Studio to change presets.`;
      rewriteWanted = false;
    } else if (read.unreadable.length > 0) {
      // Keep the original for the user (or support) and carry on with what was readable.
      status.unreadablePresets = read.unreadable.length;
      const copy = `${source.path}.damaged-${timestampForFileName(now())}`;
      copyFileSync(source.path, copy);
      status.damagedFileMovedTo = copy;
      rewriteWanted = true;
    } else if (read.fileVersion > 0 && read.fileVersion < PRESET_DOCUMENT_VERSION) {
      const backupPath = `${source.path}.before-v${PRESET_DOCUMENT_VERSION}`;
      copyFileSync(source.path, backupPath);
      status.upgradedFrom = { version: read.fileVersion, backupPath };
      rewriteWanted = true;
    }
    seen = fingerprintOfFile(source.path);
    presets = pending.reduce((list, apply) => apply(list), onDisk);
  }

  /** Writes what this process shows (holding the lock, after load()). */
  function write(): void {
    try {
      file ??= source.open();
      file.store = presetDocument(presets) as unknown as Record<string, unknown>;
    } catch (error) {
      const failure = storageError(error, source.path, keepUnsaved ? 'kept' : 'not-saved');
      if (keepUnsaved) {
        status.unsavedChanges = true;
        status.lastSaveError = failure.message;
      }
      throw failure;
    }
    onDisk = presets;
    pending = [];
    rewriteWanted = false;
    seen = fingerprintOfFile(source.path);
    status.unsavedChanges = false;
    delete status.lastSaveError;
  }

  /** Reads the file (at open, or when another process changed it) and writes what an upgrade, a recovery or a pending change needs. */
  function loadAndSettle(): void {
    load();
    if (status.readOnlyReason || (!rewriteWanted && pending.length === 0)) return;
    try {
      write();
    } catch {
      // Reported through status(); the presets that were read are still usable.
    }
  }

  /** A folder that cannot be written can still be read: without its lock, as nothing can change the file through it. */
  const lockedForReading = (work: () => void) =>
    withFileLock(source.path, 'presets file', work, { ...options.lock, unlockedWhenReadOnly: true });

  /** Looks at the file again when another process changed it since this one last read or wrote it. */
  function refresh(): void {
    if (fingerprintOfFile(source.path) === seen) return;
    try {
      lockedForReading(loadAndSettle);
    } catch (error) {
      // The folder is failing and the banner already says so (unsaved changes): show what this process holds.
      if (status.unsavedChanges && diskFault(error) !== undefined) return;
      throw storageError(error, source.path, 'read');
    }
    options.onChange?.([...presets]);
  }

  /**
   * One change, as one read-modify-write of the file as it is now: `plan` sees the current
   * presets (through find() and `presets`; it may refuse, and then nothing changes) and
   * returns the change and its answer.
   */
  function change<T>(plan: () => { apply: PendingChange | undefined; result: T }): T {
    let planning = false;
    let planned = false;
    /** What this process showed before the change was applied, for a CLI command whose change is not kept. */
    let before = { presets, pending };
    /** Plans the change against `presets` and applies it there, pending until written. */
    const apply = (): T => {
      planning = true;
      const made = plan();
      planning = false;
      if (made.apply === undefined) return made.result;
      planned = true;
      before = { presets, pending };
      pending = [...pending, made.apply];
      presets = made.apply(presets);
      return made.result;
    };
    try {
      return locked(() => {
        load();
        if (status.readOnlyReason) throw new HandleStudioError('STORAGE', status.readOnlyReason);
        const result = apply();
        if (planned) write();
        return result;
      });
    } catch (error) {
      if (planning) throw error;
      if (keepUnsaved && !planned && diskFault(error) !== undefined) {
        // The folder itself is failing (even the lock file cannot be made): the app keeps the change as it would after a failed write.
        apply();
        const failure = storageError(error, source.path, 'kept');
        status.unsavedChanges = planned;
        if (planned) status.lastSaveError = failure.message;
        throw failure;
      }
      if (!keepUnsaved) ({ presets, pending } = before);
      throw storageError(error, source.path, keepUnsaved ? 'kept' : 'not-saved');
    } finally {
      if (planned) options.onChange?.([...presets]);
    }
  }

  try {
    lockedForReading(loadAndSettle);
  } catch (error) {
    throw storageError(error, source.path, 'read');
  }

  /** A preset of the list as last read (inside change(): as the file holds it now). */
  function find(id: string): Preset {
    const preset = presets.find((p) => p.id === id);
    if (!preset) throw new HandleStudioError('NOT_FOUND', `No preset with id ${id}: it may have been deleted.`);
    return preset;
  }

  function build(id: string, input: PresetInput, previous?: Preset): Preset {
    const { profileId, favourite, ...fields } = parseOrThrow(presetInputSchema, input, 'Preset');
    refuseCredentialFields(fields, 'Preset not saved');
    return {
      id,
      ...fields,
      profileId: profileId ?? previous?.profileId,
      favourite: favourite ?? previous?.favourite ?? false,
      updatedAt: new Date(now()).toISOString(),
    };
  }

  /** The file's presets, each with the saved preset of the same name (if any); refuses a bad or credential-carrying file. */
  function planImport(text: string): { shared: SharedPreset; existing: Preset | undefined }[] {
    const incoming = parsePresetFile(text);
    incoming.forEach((shared, index) => {
      const field = fieldHoldingCredential(typedFields(shared));
      if (field !== undefined) {
        // The name is not repeated: it may be the field that holds the token.
        throw new HandleStudioError(
          'VALIDATION',
          `Preset ${index + 1} of the file: its field ${field} holds an Xbox Live token (or something shaped like one); presets files must not carry credentials. Remove it from the file and import again. Nothing was imported.`,
        );
      }
    });
    return incoming.map((shared) => ({ shared, existing: presets.find((p) => p.name.toLowerCase() === shared.name.toLowerCase()) }));
  }

  /** Saves presets made from the current ones (a preset edited in the app while another process deleted it is saved again). */
  function put(make: () => Preset): Preset {
    return change(() => {
      const made = make();
      return { apply: (list: Preset[]) => upsert(list, [made]), result: made };
    });
  }

  function get(id: string): Preset {
    refresh();
    return find(id);
  }

  return {
    status: () => ({ ...status }),

    list(listOptions = {}) {
      refresh();
      const needle = listOptions.search?.trim().toLowerCase();
      return presets
        .filter((p) => !listOptions.favouritesOnly || p.favourite)
        .filter((p) => listOptions.service === undefined || p.service === listOptions.service)
        .filter((p) => !needle || searchableText(p).includes(needle))
        .sort(byFavouriteThenName);
    },

    get,

    create(input) {
      return put(() => build(randomUUID(), input));
    },

    update(id, input) {
      return put(() => build(id, input, find(id)));
    },

    duplicate(id) {
      return put(() => {
        const original = find(id);
        return {
          ...structuredClone(original),
          id: randomUUID(),
          name: `${original.name} (copy)`.slice(0, 100),
          favourite: false,
          updatedAt: new Date(now()).toISOString(),
        };
      });
    },

    delete(id) {
      change(() => {
        find(id);
        return { apply: (list: Preset[]) => list.filter((p) => p.id !== id), result: undefined };
      });
    },

    setFavourite(id, favourite) {
      return put(() => ({ ...find(id), favourite, updatedAt: new Date(now()).toISOString() }));
    },

    exportFile(ids) {
      refresh();
      const chosen = ids ? ids.map(find) : [...presets].sort(byFavouriteThenName);
      for (const preset of chosen) {
        const field = fieldHoldingCredential(typedFields(preset));
        if (field !== undefined) {
          // Saved before presets were checked for tokens: refused rather than shared; the name may be the field that holds it.
          throw new HandleStudioError(
            'VALIDATION',
            `A preset's field ${field} holds an Xbox Live token (or something shaped like one): edit that preset (or delete it) and export again. Nothing was exported.`,
          );
        }
      }
      return formatPresetFile(chosen);
    },

    previewImport(text) {
      refresh();
      const preview: PresetImportPreview = { added: [], replaced: [], unchanged: [] };
      for (const { shared, existing } of planImport(text)) {
        const list = existing === undefined ? preview.added : sameShared(existing, shared) ? preview.unchanged : preview.replaced;
        list.push(shared.name);
      }
      return preview;
    },

    importFile(text, importOptions) {
      return change(() => importPlanned(text, importOptions));
    },

    retrySave() {
      try {
        locked(() => {
          load();
          if (status.readOnlyReason) throw new HandleStudioError('STORAGE', status.readOnlyReason);
          write();
        });
      } catch (error) {
        throw storageError(error, source.path, 'kept');
      } finally {
        options.onChange?.([...presets]);
      }
    },
  };

  /** An import planned against the presets as the file holds them now (inside change()). */
  function importPlanned(
    text: string,
    importOptions: PresetImportOptions,
  ): { apply: PendingChange | undefined; result: PresetImportResult } {
    const plan = planImport(text);
    const replacing = plan.filter(({ shared, existing }) => existing !== undefined && !sameShared(existing, shared));
    if (!importOptions.replaceExisting && replacing.length > 0) {
      const names = replacing.map(({ shared }) => `"${shared.name}"`).join(', ');
      throw new HandleStudioError(
        'VALIDATION',
        `Importing would replace ${replacing.length} saved preset${replacing.length === 1 ? '' : 's'} (${names}). Nothing was imported: confirm replacing them to import the file.`,
        { replaced: replacing.map(({ shared }) => shared.name) },
      );
    }
    const at = new Date(now()).toISOString();
    const written: Preset[] = [];
    const touched: Preset[] = [];
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const { shared, existing } of plan) {
      if (existing !== undefined && sameShared(existing, shared)) {
        unchanged++;
        touched.push(existing);
        continue;
      }
      const preset: Preset = {
        ...shared,
        id: existing?.id ?? randomUUID(),
        profileId: existing?.profileId,
        favourite: existing?.favourite ?? false,
        updatedAt: at,
      };
      if (existing) updated++;
      else added++;
      written.push(preset);
      touched.push(preset);
    }
    const result = { added, updated, unchanged, presets: touched };
    return { apply: written.length > 0 ? (list: Preset[]) => upsert(list, written) : undefined, result };
  }
}
