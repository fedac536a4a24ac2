/**
 * Opening one of the app's SQLite files: WAL journal, versioned migrations, a check for
 * damage, and what to do when the file cannot be used as it is. History, drafts and the
 * outbox all open their files through here so the rules are the same for each:
 *
 * - damaged (SQLite says "not a database" or "malformed", or `PRAGMA quick_check` finds a
 *   problem): the file is renamed to `<file>.damaged-<time>` (kept for the user or support,
 *   never deleted), a fresh file is started, and the caller gets `damage` to tell the user;
 * - written by a newer Handle Studio (its schema version is ahead of this build's): opened
 *   read-only and never rewritten, and the caller gets `readOnlyReason`; writes fail with a
 *   STORAGE error that says to update Handle Studio;
 * - a disk fault (full, read-only, a file where the folder should be): STORAGE, in words
 *   from storage-errors.ts.
 *
 * `quick_check` reads every page, so for history (145 MB at 100,000 entries) it was half of
 * core's start-up. A file opened with `trustCleanClose` skips it when the file is exactly as
 * the last clean close left it. Why that keeps the promise that damage never goes unseen:
 * - the close that vouches for the file runs after SQLite's own last checkpoint, and records
 *   the file's device, inode, size, mtime and ctime beside it (`<file>-clean`);
 * - the record is removed when the file is next opened, so a run that dies (crash, kill -9,
 *   power loss) leaves none, and the next start checks; a WAL left beside the file means the
 *   same (a process died or still writes), so it checks too;
 * - any later write to the file, by us or anything else (a copy over it, a restore, a sync
 *   tool), changes its size, mtime or ctime (ctime cannot be set back), or its inode;
 * - damage SQLite meets while the file is in use (a damaged page read) is noted
 *   (damage-seen.ts), and then no file of this process is vouched for at close, so the
 *   restart the STORAGE message asks for checks and keeps the damaged file aside.
 * What is left unseen at open is media decay that changes no metadata; SQLite still reports
 * such a page as damaged when it is read, and the next start then checks.
 */
import { DatabaseSync } from 'node:sqlite';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HandleStudioError } from '../../shared/errors.ts';
import { damageWasSeen } from './damage-seen.ts';
import { fingerprint } from './file-fingerprint.ts';
import { asStorageError, diskFault } from './storage-errors.ts';

/** One schema step. `version` numbers start at 1 and go up by one; `sql` never drops user data. */
export interface Migration {
  version: number;
  sql: string;
}

export interface OpenedSqliteFile {
  db: DatabaseSync;
  /** Closes the file; with `trustCleanClose`, records that it was closed cleanly (see the top of this file). */
  close(): void;
  /** Set when the file on disk was damaged and was moved aside to this path. */
  damagedFileMovedTo?: string;
  /** What was wrong with the damaged file, in SQLite's words. */
  damage?: string;
  /** Set when the file was written by a newer Handle Studio: it is open read-only. */
  readOnlyReason?: string;
  /** The schema version the file had before this open (0 for a new file). */
  previousVersion: number;
}

export interface OpenSqliteOptions {
  /** FULL for queues whose every commit must survive power loss; NORMAL is durable against a crash of the app. */
  synchronous: 'FULL' | 'NORMAL';
  /** Used in messages, e.g. "history". */
  label: string;
  /** Skip `quick_check` at open when the file is as its last clean close left it (see the top of this file). */
  trustCleanClose?: boolean;
}

const cleanMarkOf = (path: string) => `${path}-clean`;

/**
 * Whether the file is exactly as its last clean close left it. The mark is used up here,
 * whatever the answer: from now on the file is open, and only a clean close vouches again.
 */
function closedCleanly(path: string): boolean {
  let mark: string;
  try {
    mark = readFileSync(cleanMarkOf(path), 'utf8');
    rmSync(cleanMarkOf(path));
  } catch {
    // No mark (or one that cannot be used up): check.
    return false;
  }
  const wal = statSync(`${path}-wal`, { throwIfNoEntry: false });
  if (wal !== undefined && wal.size > 0) return false;
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat !== undefined && mark === fingerprint(stat);
}

/** After a clean close: vouch for the file as it is now, unless damage was seen in this run. */
function markClosedCleanly(path: string): void {
  if (damageWasSeen()) return;
  try {
    writeFileSync(cleanMarkOf(path), fingerprint(statSync(path)));
  } catch {
    // Without the mark the next start checks the file: slower, never less safe.
  }
}

/** Thrown inside this module when quick_check (or SQLite itself) finds the file damaged. */
class DamagedFile extends Error {}

function isDamage(error: unknown): boolean {
  if (error instanceof DamagedFile) return true;
  if (diskFault(error) === 'damaged') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /file is not a database|database disk image is malformed|malformed database schema/i.test(message);
}

function schemaVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

/** SQLite's own quick consistency check of every page: 'ok', or the first problems it found. */
function checkIntegrity(db: DatabaseSync): void {
  const rows = db.prepare('PRAGMA quick_check(5)').all() as Array<{ quick_check: string }>;
  const problems = rows.map((row) => row.quick_check).filter((result) => result !== 'ok');
  if (problems.length > 0) throw new DamagedFile(problems.join('; ').slice(0, 300));
}

/**
 * Applies every migration newer than the file's `user_version`, each in its own transaction.
 * The version is read again inside each write transaction: processes started at once on a
 * fresh data folder (parallel CLI commands) all read 0 before any of them migrates, and the
 * ones that wait for the first one's lock must then see its work done, not create its tables again.
 */
function migrate(db: DatabaseSync, migrations: readonly Migration[], current: number): void {
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (schemaVersion(db) < migration.version) {
        db.exec(migration.sql);
        db.exec(`PRAGMA user_version = ${migration.version}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

function newerFileReason(label: string, version: number, newest: number): string {
  return `The ${label} database was written by a newer version of Handle Studio (schema ${version}; this version knows up to ${newest}), so it is open read-only: update Handle Studio to change it.`;
}

/**
 * Why a file is read-only for this build (a newer Handle Studio wrote it), or undefined. For
 * putting a refused write in words when the file was opened elsewhere.
 */
export function newerSchemaReason(path: string, migrations: readonly Migration[], label: string): string | undefined {
  const newest = migrations.at(-1)?.version ?? 0;
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const version = schemaVersion(db);
      return version > newest ? newerFileReason(label, version, newest) : undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

function openAndMigrate(path: string, migrations: readonly Migration[], options: OpenSqliteOptions): OpenedSqliteFile {
  const newest = migrations.at(-1)?.version ?? 0;
  const trusted = options.trustCleanClose === true && closedCleanly(path);
  let db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 2000');
    if (!trusted) checkIntegrity(db);
    const current = schemaVersion(db);
    if (current > newest) {
      // A newer build's file: reading it is safe (schemas only ever add), rewriting it with this build's rules is not.
      db.close();
      const readOnly = new DatabaseSync(path, { readOnly: true });
      readOnly.exec('PRAGMA busy_timeout = 2000');
      db = readOnly;
      // Never written here, so never vouched for here either.
      const close = () => {
        if (readOnly.isOpen) readOnly.close();
      };
      return { db, close, previousVersion: current, readOnlyReason: newerFileReason(options.label, current, newest) };
    }
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous}`);
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db, migrations, current);
    const writable = db;
    const close = () => {
      if (!writable.isOpen) return;
      writable.close();
      if (options.trustCleanClose === true) markClosedCleanly(path);
    };
    return { db, close, previousVersion: current };
  } catch (error) {
    if (db.isOpen) db.close();
    throw error;
  }
}

/**
 * Opens (creating if needed) a SQLite file and brings its schema up to date; see the top of
 * this file for damaged files, newer files and disk faults.
 */
export function openSqliteFile(path: string, migrations: readonly Migration[], options: OpenSqliteOptions): OpenedSqliteFile {
  const place = { what: `${options.label} database`, path };
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw asStorageError(error, place);
  }
  try {
    return openAndMigrate(path, migrations, options);
  } catch (error) {
    if (error instanceof HandleStudioError) throw error;
    if (!isDamage(error)) throw asStorageError(error, place);
    const damage = (error instanceof Error ? error.message : String(error)).slice(0, 300);
    const movedTo = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(path, movedTo);
      // The WAL and shared-memory files belong to the damaged database; a fresh file must not replay them.
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
      }
      return { ...openAndMigrate(path, migrations, options), damagedFileMovedTo: movedTo, damage };
    } catch (retryError) {
      throw asStorageError(retryError, place);
    }
  }
}

/** Runs `work` in one IMMEDIATE transaction: all of it is committed or none of it. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
