/**
 * The one place that turns what SQLite and the file system say about the disk into a
 * STORAGE error a person can act on. Every store, and the dispatcher's safety net, comes
 * here, so "the disk is full" reads the same whether history, drafts, the outbox, presets
 * or profiles hit it, and never surfaces as INTERNAL.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { noteDamageSeen } from './damage-seen.ts';
import { HandleStudioError } from '../../shared/errors.ts';

/** SQLite's primary result codes we give words to (https://sqlite.org/rescode.html). */
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** What was being stored, for the message: e.g. `{ what: 'history database', path: '/…/history.sqlite' }`. */
export interface StoragePlace {
  what: string;
  /** The file (or folder) being read or written. */
  path: string;
  /** The data folder; default: the file's folder. */
  folder?: string;
  /** Set when the file is open read-only because a newer Handle Studio wrote it: what a refused write says. */
  readOnlyReason?: string;
}

type Fault = 'full' | 'read-only' | 'damaged' | 'not-a-folder' | 'is-a-folder' | 'cannot-open' | 'disk-error';

/** The kind of disk fault behind an error from node:sqlite or node:fs, if it is one. */
export function diskFault(error: unknown): Fault | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    // Extended codes carry the primary code in their low byte (SQLITE_READONLY_DBMOVED is 8 | 4<<8).
    switch (errcode & 0xff) {
      case SQLITE_FULL:
        return 'full';
      case SQLITE_READONLY:
        return 'read-only';
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return 'damaged';
      case SQLITE_CANTOPEN:
        return 'cannot-open';
      case SQLITE_IOERR:
        return 'disk-error';
      default:
        return undefined;
    }
  }
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'full';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'read-only';
    case 'ENOTDIR':
      return 'not-a-folder';
    case 'EISDIR':
      return 'is-a-folder';
    case 'EIO':
      return 'disk-error';
    default:
      return undefined;
  }
}

function sentence(fault: Fault, place: StoragePlace): string {
  const folder = place.folder ?? dirname(place.path);
  switch (fault) {
    case 'full':
      return `The disk holding ${folder} is full: free some space and try again.`;
    case 'read-only':
      if (place.readOnlyReason) return place.readOnlyReason;
      return `Handle Studio cannot write to ${folder} (the disk is mounted read-only, or the folder or ${place.path} is not writable for you): make it writable and try again, or set HANDLE_STUDIO_DATA_DIR to a folder you can write to.`;
    case 'damaged':
      return `The ${place.what} at ${place.path} is damaged. Restart Handle Studio: it checks the file when it starts, keeps the damaged one aside and starts a fresh one.`;
    case 'not-a-folder':
      return `The data folder ${folder} is not a folder (a file is in the way on its path): move that file away, or set HANDLE_STUDIO_DATA_DIR to a folder.`;
    case 'is-a-folder':
      return `${place.path} is a folder where Handle Studio keeps its ${place.what}: move that folder away and try again.`;
    case 'cannot-open':
      return `The ${place.what} at ${place.path} could not be opened: check that ${folder} exists, is a folder and is writable.`;
    case 'disk-error':
      return `The disk holding ${folder} reported an error while Handle Studio used its ${place.what}: check the disk, then try again.`;
  }
}

/**
 * SQLite says only "unable to open database file" when its folder is read-only (it cannot
 * create the journal beside the file) or a folder is where the file should be; the disk says which.
 */
function whyCannotOpen(place: StoragePlace): Fault {
  // A folder in the file's place (SQLite says only "unable to open"): the data folder itself is fine.
  if (statSync(place.path, { throwIfNoEntry: false })?.isDirectory() === true) return 'is-a-folder';
  try {
    accessSync(place.folder ?? dirname(place.path), constants.W_OK);
    return 'cannot-open';
  } catch (error) {
    return diskFault(error) ?? 'cannot-open';
  }
}

/** A STORAGE error for a disk fault, or undefined when `error` is not one. */
export function storageFaultError(error: unknown, place: StoragePlace): HandleStudioError | undefined {
  if (error instanceof HandleStudioError) return undefined;
  let fault = diskFault(error);
  if (fault === undefined) return undefined;
  // The restart this message asks for must check the files again (see sqlite-file.ts).
  if (fault === 'damaged') noteDamageSeen();
  if (fault === 'cannot-open') fault = whyCannotOpen(place);
  return new HandleStudioError('STORAGE', sentence(fault, place), { fault, path: place.path, reason: reasonOf(error) });
}

/** A STORAGE error for anything that went wrong reading or writing `place` (HandleStudioErrors pass through). */
export function asStorageError(error: unknown, place: StoragePlace): HandleStudioError {
  if (error instanceof HandleStudioError) return error;
  return (
    storageFaultError(error, place) ??
    new HandleStudioError(
      'STORAGE',
      `Could not use the ${place.what} at ${place.path}: ${reasonOf(error)}. Check that ${place.folder ?? dirname(place.path)} exists, is a folder, is writable and has free space.`,
      { path: place.path, reason: reasonOf(error) },
    )
  );
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
