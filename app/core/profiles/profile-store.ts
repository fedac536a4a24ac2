/**
 * Profiles on disk, in `profiles.json` in the data folder, through `conf` (Electron main
 * passes electron-store, which is a Conf subclass, via `openBackingStore`). Conf replaces
 * the file atomically on every write (a temp file, fsync, rename).
 *
 * The app and any number of CLI commands share the file, so every change is a
 * read-modify-write of the file as it is NOW, under a lock all of them take
 * (storage/file-lock.ts), and reads look at the file again when another process changed it:
 * a profile another process added is never written over by a stale list.
 *
 * A file that cannot be read (torn JSON, wrong shape) is never thrown away: it is renamed
 * to `profiles.json.damaged-<timestamp>`, the store starts empty, and `status()` says so,
 * so the UI can tell the user where their old file went. A file a newer Handle Studio
 * wrote is shown read-only (the profiles this build can read) and never rewritten: every
 * change is refused with a STORAGE error that says to update.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { profileSchema, type Profile, type ProfileDraft, profileDraftSchema } from '../../shared/contract/profiles.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import type { ProfileLookup } from '../credentials/credentials-service.ts';
import { lazyConfFile } from '../storage/conf-file.ts';
import { fingerprintOfFile } from '../storage/file-fingerprint.ts';
import { withFileLock, type FileLockOptions } from '../storage/file-lock.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import {
  emptyProfilesDocument,
  migrateProfilesDocument,
  NewerProfilesFileError,
  profilesDocumentSchema,
  readNewerProfilesDocument,
  type ProfilesDocument,
} from './profiles-document.ts';

/** The part of Conf (and electron-store) the profile store uses. */
export interface ProfilesBackingStore {
  readonly path: string;
  store: Record<string, unknown>;
}

/** The Conf options the store needs; electron-store accepts the same. */
export interface BackingStoreOptions {
  cwd: string;
  configName: string;
  clearInvalidConfig: false;
}

export interface ProfileStoreOptions {
  /** The data folder (resolveDataDir()). */
  directory: string;
  /** Default: conf, loaded only for the first write (storage/conf-file.ts). Electron main passes `(options) => new ElectronStore(options)`. */
  openBackingStore?: (options: BackingStoreOptions) => ProfilesBackingStore;
  now?: () => number;
  /** How long to wait for another process's change to the file (tests shorten it). */
  lock?: FileLockOptions;
}

/** Why the store started empty or read-only, for a banner. */
export interface ProfileStoreNotice {
  message: string;
  /** Full path of the file that was kept aside (or, for a newer file, kept as it is). */
  keptAside: string;
}

const CONFIG_NAME = 'profiles';

export class ProfileStore implements ProfileLookup {
  readonly #backing: ProfilesBackingStore;
  #document: ProfilesDocument;
  /** The file as last read or written here, to tell when another process changed it. */
  #seen = '';
  #lock: FileLockOptions | undefined;
  readonly #notice: ProfileStoreNotice | undefined;
  /** Set for a file a newer Handle Studio wrote: what every refused change says. */
  readonly #readOnlyReason: string | undefined;

  /** Opens (or creates) the profiles file, keeping a damaged one aside. */
  static open(options: ProfileStoreOptions): ProfileStore {
    const path = join(options.directory, `${CONFIG_NAME}.json`);
    // Opening may move a damaged file aside and start a fresh one: one step for every process. A
    // folder that cannot be written can still be read, without its lock (nothing changes the file through it).
    let store: ProfileStore;
    try {
      store = withFileLock(path, 'profiles file', () => ProfileStore.#openLocked(options), { ...options.lock, unlockedWhenReadOnly: true });
    } catch (error) {
      throw storageError(error, path);
    }
    store.#lock = options.lock;
    store.#seen = fingerprintOfFile(path);
    return store;
  }

  static #openLocked(options: ProfileStoreOptions): ProfileStore {
    const openBacking = options.openBackingStore ?? lazyConfFile;
    const confOptions: BackingStoreOptions = { cwd: options.directory, configName: CONFIG_NAME, clearInvalidConfig: false };
    const path = join(options.directory, `${CONFIG_NAME}.json`);
    let reason: string;
    let backing: ProfilesBackingStore | undefined;
    try {
      backing = openBacking(confOptions);
      return new ProfileStore(backing, migrateProfilesDocument(backing.store), undefined);
    } catch (error) {
      if (error instanceof NewerProfilesFileError && backing) {
        const { document, unreadable } = readNewerProfilesDocument(backing.store);
        const skipped = unreadable > 0 ? ` ${unreadable} profile(s) in it cannot be shown by this version.` : '';
        return new ProfileStore(
          backing,
          document,
          { message: `${error.message} Until then ${path} is read-only here and kept as it is.${skipped}`, keptAside: path },
          error.message,
        );
      }
      // Only what the file's content caused (bad JSON, bad shape) is damage; a permission problem is not.
      const damaged = error instanceof HandleStudioError || (error instanceof Error && error.name === 'SyntaxError');
      if (!damaged || !existsSync(path)) throw storageError(error, path);
      reason = error instanceof HandleStudioError ? error.message : 'It is not valid JSON (probably cut short by a crash).';
    }
    const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
    const keptAside = `${path}.damaged-${stamp}`;
    try {
      renameSync(path, keptAside);
      const fresh = openBacking(confOptions);
      const store = new ProfileStore(fresh, emptyProfilesDocument(), {
        message: `The profiles file could not be read, so Handle Studio started with no profiles. ${reason} The old file was kept as ${keptAside}.`,
        keptAside,
      });
      store.#write(store.#document);
      return store;
    } catch (error) {
      throw storageError(error, path);
    }
  }

  private constructor(
    backing: ProfilesBackingStore,
    document: ProfilesDocument,
    notice: ProfileStoreNotice | undefined,
    readOnlyReason?: string,
  ) {
    this.#backing = backing;
    this.#document = document;
    this.#notice = notice;
    this.#readOnlyReason = readOnlyReason;
  }

  /** Set when the file was damaged at start-up and kept aside. */
  status(): { notice?: ProfileStoreNotice } {
    return this.#notice ? { notice: this.#notice } : {};
  }

  /** Every profile, in the order they were created. */
  list(): Profile[] {
    return [...this.#current().profiles];
  }

  /** One profile by id. */
  get(profileId: string): Profile | undefined {
    return this.#current().profiles.find((profile) => profile.id === profileId);
  }

  /** The active profile's id; null when there are no profiles. */
  activeProfileId(): string | null {
    return this.#current().activeProfileId;
  }

  /** The profile requests go to, if any. */
  active(): Profile | undefined {
    const id = this.activeProfileId();
    return id === null ? undefined : this.get(id);
  }

  /**
   * Creates a profile (draft without id) or replaces one (with its id). The first profile
   * becomes the active one. Names are unique, ignoring case.
   */
  save(draft: ProfileDraft): Profile {
    const { id, ...fields } = parseOrThrow(profileDraftSchema, draft, 'Profile');
    return this.#change((document) => {
      if (id !== undefined && !document.profiles.some((known) => known.id === id)) {
        throw new HandleStudioError('NOT_FOUND', 'That profile no longer exists (it may have been removed): save it as a new profile.');
      }
      const sameName = document.profiles.find(
        (profile) => profile.id !== id && profile.name.toLocaleLowerCase() === fields.name.toLocaleLowerCase(),
      );
      if (sameName) {
        throw new HandleStudioError('CONFLICT', `A profile named "${sameName.name}" already exists: choose another name.`, {
          field: 'name',
        });
      }
      const profile = profileSchema.parse({ ...fields, id: id ?? randomUUID() });
      const profiles =
        id === undefined ? [...document.profiles, profile] : document.profiles.map((known) => (known.id === id ? profile : known));
      return { next: { ...document, profiles, activeProfileId: document.activeProfileId ?? profile.id }, result: profile };
    });
  }

  /** Removes a profile; the first remaining one becomes active if it was the active one. */
  remove(profileId: string): boolean {
    return this.#change((document) => {
      if (!document.profiles.some((profile) => profile.id === profileId)) return { result: false };
      const profiles = document.profiles.filter((profile) => profile.id !== profileId);
      const activeProfileId = document.activeProfileId === profileId ? (profiles[0]?.id ?? null) : document.activeProfileId;
      return { next: { ...document, profiles, activeProfileId }, result: true };
    });
  }

  /** Makes a profile the active one. */
  activate(profileId: string): Profile {
    return this.#change((document) => {
      const profile = document.profiles.find((known) => known.id === profileId);
      if (!profile) throw new HandleStudioError('NOT_FOUND', 'No profile with that id: it may have been removed. Pick another profile.');
      return { next: { ...document, activeProfileId: profileId }, result: profile };
    });
  }

  /** The document as the file holds it now, read again only when another process changed the file. */
  #current(): ProfilesDocument {
    if (this.#readOnlyReason || fingerprintOfFile(this.#backing.path) === this.#seen) return this.#document;
    try {
      this.#reread();
    } catch {
      // Unreadable now (damaged, or a newer build wrote it): this process goes on with what it read last; a change says why it cannot be made.
    }
    return this.#document;
  }

  /** Reads the file as it is now; a damaged or newer file is refused in words. */
  #reread(): void {
    const seen = fingerprintOfFile(this.#backing.path);
    let raw: Record<string, unknown>;
    try {
      raw = this.#backing.store;
    } catch (error) {
      throw storageError(error, this.#backing.path);
    }
    try {
      this.#document = migrateProfilesDocument(raw);
    } catch (error) {
      if (error instanceof NewerProfilesFileError) throw new HandleStudioError('STORAGE', error.message);
      throw new HandleStudioError(
        'STORAGE',
        `The profiles file at ${this.#backing.path} cannot be read now (another program changed it): ${error instanceof Error ? error.message : String(error)} Nothing was changed. Restart Handle Studio: it keeps a damaged file aside and starts a fresh one.`,
      );
    }
    this.#seen = seen;
  }

  /** One change, as one read-modify-write of the file as it is now, holding the file's lock. */
  #change<T>(plan: (document: ProfilesDocument) => { next?: ProfilesDocument; result: T }): T {
    if (this.#readOnlyReason) throw new HandleStudioError('STORAGE', this.#readOnlyReason);
    try {
      return withFileLock(
        this.#backing.path,
        'profiles file',
        () => {
          this.#reread();
          const { next, result } = plan(this.#document);
          if (next !== undefined) this.#write(next);
          return result;
        },
        this.#lock,
      );
    } catch (error) {
      throw storageError(error, this.#backing.path);
    }
  }

  #write(document: ProfilesDocument): void {
    if (this.#readOnlyReason) throw new HandleStudioError('STORAGE', this.#readOnlyReason);
    const checked = profilesDocumentSchema.parse(document);
    try {
      this.#backing.store = checked as unknown as Record<string, unknown>;
    } catch (error) {
      throw storageError(error, this.#backing.path);
    }
    this.#document = checked;
    this.#seen = fingerprintOfFile(this.#backing.path);
  }
}

function storageError(error: unknown, path: string): HandleStudioError {
  return asStorageError(error, { what: 'profiles file', path });
}
