/**
 * Presets, kept in memory and written whole to `presets.json` in the data folder through
 * conf (Electron main passes electron-store, a conf subclass; both fit `PresetFile`).
 *
 * - A file that is not JSON or holds entries that cannot be read is moved aside to
 *   `presets.json.damaged-<time>` and the store opens with what could be read; `status()`
 *   says so, for the UI to tell the user.
 * - An older file is upgraded on open; the original is kept as `presets.json.before-v<n>`.
 * - When the folder cannot be written (read-only, full, gone), the change stays in memory,
 *   the call answers STORAGE saying so, and `retrySave()` (or the next change) writes it.
 */
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HandleStudioError } from '../../shared/errors.ts';
import type { Preset, PresetInput, PresetService } from '../../shared/presets/preset.ts';
import { presetInputSchema } from '../../shared/presets/preset.ts';
import { formatPresetFile, parsePresetFile, sharedFieldsOf, type SharedPreset } from '../../shared/presets/preset-file.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { assertNoCredentials } from '../storage/credential-guard.ts';
import { lazyConfFile } from '../storage/conf-file.ts';
import { asStorageError } from '../storage/storage-errors.ts';
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

function storageError(error: unknown, path: string): HandleStudioError {
  const fault = asStorageError(error, { what: 'presets file', path });
  return new HandleStudioError(
    'STORAGE',
    `Presets could not be saved. ${fault.message} Your presets are kept in memory while Handle Studio runs; save again once that is fixed.`,
    fault.details,
  );
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

/** The text of a preset a person typed freely, where a pasted token could hide (checked before saving or sharing). */
function freeText(preset: Preset | SharedPreset | PresetFields): Record<string, unknown> {
  return preset.service === 'mpa'
    ? { notes: preset.notes, name: preset.name, activity: preset.activity, invite: preset.invite }
    : { notes: preset.notes, name: preset.name };
}

/** Opens the presets: reads (upgrading or recovering as needed) and keeps them in memory. */
export function openPresetsStore(options: OpenPresetsOptions): PresetsStore {
  const now = options.now ?? Date.now;
  const { source } = options;
  const status: PresetsStatus = { path: source.path, unreadablePresets: 0, keptPresets: 0, unsavedChanges: false };

  function moveDamagedAside(): void {
    const movedTo = `${source.path}.damaged-${timestampForFileName(now())}`;
    renameSync(source.path, movedTo);
    status.damagedFileMovedTo = movedTo;
  }

  let file: PresetFile;
  let raw: Record<string, unknown>;
  try {
    file = source.open();
    raw = { ...file.store };
  } catch (error) {
    // conf throws SyntaxError for a torn or hand-broken file; anything else is the folder's fault.
    if ((error as Error | null)?.name !== 'SyntaxError' || !existsSync(source.path)) throw storageError(error, source.path);
    moveDamagedAside();
    file = source.open();
    raw = {};
  }

  const read = readPresetDocument(raw);
  let presets: Preset[] = read.presets;
  status.keptPresets = presets.length;
  if (read.fileVersion > PRESET_DOCUMENT_VERSION) {
    status.readOnlyReason = `presets.json was written by a newer Handle Studio (file version ${read.fileVersion}); update Handle Studio to change presets.`;
  } else if (read.unreadable.length > 0) {
    // Keep the original for the user (or support) and carry on with what was readable.
    status.unreadablePresets = read.unreadable.length;
    const copy = `${source.path}.damaged-${timestampForFileName(now())}`;
    copyFileSync(source.path, copy);
    status.damagedFileMovedTo = copy;
  } else if (read.fileVersion > 0 && read.fileVersion < PRESET_DOCUMENT_VERSION) {
    const backupPath = `${source.path}.before-v${PRESET_DOCUMENT_VERSION}`;
    copyFileSync(source.path, backupPath);
    status.upgradedFrom = { version: read.fileVersion, backupPath };
  }

  function save(): void {
    if (status.readOnlyReason) throw new HandleStudioError('STORAGE', status.readOnlyReason);
    try {
      file.store = presetDocument(presets) as unknown as Record<string, unknown>;
      status.unsavedChanges = false;
      delete status.lastSaveError;
    } catch (error) {
      const storage = storageError(error, source.path);
      status.unsavedChanges = true;
      status.lastSaveError = storage.message;
      throw storage;
    } finally {
      options.onChange?.([...presets]);
    }
  }

  /** Applies a change in memory, then writes; on a failed write the change is kept (see save). */
  function commit(next: Preset[]): void {
    if (status.readOnlyReason) throw new HandleStudioError('STORAGE', status.readOnlyReason);
    presets = next;
    save();
  }

  if (status.upgradedFrom || status.unreadablePresets > 0 || status.damagedFileMovedTo) {
    try {
      save();
    } catch {
      // Reported through status(); the presets that were read are still usable.
    }
  }

  function get(id: string): Preset {
    const preset = presets.find((p) => p.id === id);
    if (!preset) throw new HandleStudioError('NOT_FOUND', `No preset with id ${id}: it may have been deleted.`);
    return preset;
  }

  function build(id: string, input: PresetInput, previous?: Preset): Preset {
    const { profileId, favourite, ...fields } = parseOrThrow(presetInputSchema, input, 'Preset');
    assertNoCredentials(freeText(fields), 'presets');
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
      try {
        assertNoCredentials(freeText(shared), 'presets');
      } catch {
        throw new HandleStudioError(
          'VALIDATION',
          `Preset ${index + 1} ("${shared.name}"), ${shared.service === 'mpa' ? 'notes or a connection string: hold' : 'notes: holds'} something shaped like an Xbox Live token; presets files must not carry credentials. Nothing was imported.`,
        );
      }
    });
    return incoming.map((shared) => ({ shared, existing: presets.find((p) => p.name.toLowerCase() === shared.name.toLowerCase()) }));
  }

  function replace(updated: Preset): Preset {
    commit(presets.map((p) => (p.id === updated.id ? updated : p)));
    return updated;
  }

  return {
    status: () => ({ ...status }),

    list(listOptions = {}) {
      const needle = listOptions.search?.trim().toLowerCase();
      return presets
        .filter((p) => !listOptions.favouritesOnly || p.favourite)
        .filter((p) => listOptions.service === undefined || p.service === listOptions.service)
        .filter((p) => !needle || searchableText(p).includes(needle))
        .sort(byFavouriteThenName);
    },

    get,

    create(input) {
      const preset = build(randomUUID(), input);
      commit([...presets, preset]);
      return preset;
    },

    update(id, input) {
      return replace(build(id, input, get(id)));
    },

    duplicate(id) {
      const original = get(id);
      const copy: Preset = {
        ...structuredClone(original),
        id: randomUUID(),
        name: `${original.name} (copy)`.slice(0, 100),
        favourite: false,
        updatedAt: new Date(now()).toISOString(),
      };
      commit([...presets, copy]);
      return copy;
    },

    delete(id) {
      get(id);
      commit(presets.filter((p) => p.id !== id));
    },

    setFavourite(id, favourite) {
      return replace({ ...get(id), favourite, updatedAt: new Date(now()).toISOString() });
    },

    exportFile(ids) {
      const chosen = ids ? ids.map(get) : [...presets].sort(byFavouriteThenName);
      for (const preset of chosen) {
        try {
          assertNoCredentials(freeText(preset), 'presets file');
        } catch {
          throw new HandleStudioError(
            'VALIDATION',
            `Preset "${preset.name}" has something shaped like an Xbox Live token in its ${preset.service === 'mpa' ? 'name, notes or connection strings' : 'name or notes'}; remove it before sharing the file.`,
          );
        }
      }
      return formatPresetFile(chosen);
    },

    previewImport(text) {
      const preview: PresetImportPreview = { added: [], replaced: [], unchanged: [] };
      for (const { shared, existing } of planImport(text)) {
        const list = existing === undefined ? preview.added : sameShared(existing, shared) ? preview.unchanged : preview.replaced;
        list.push(shared.name);
      }
      return preview;
    },

    importFile(text, importOptions) {
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
      const next = [...presets];
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
        if (existing) {
          next[next.indexOf(existing)] = preset;
          updated++;
        } else {
          next.push(preset);
          added++;
        }
        touched.push(preset);
      }
      if (added + updated > 0) commit(next);
      return { added, updated, unchanged, presets: touched };
    },

    retrySave() {
      save();
    },
  };
}
