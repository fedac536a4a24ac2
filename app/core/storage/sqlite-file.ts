/**
 * Opening one of the app's SQLite files: WAL journal, versioned migrations, and recovery
 * from a file that is not a database any more. History, drafts and the outbox all open
 * their files through here so the rules are the same for each.
 */
import { DatabaseSync } from 'node:sqlite';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { HandleStudioError } from '../../shared/errors.ts';

/** One schema step. `version` numbers start at 1 and go up by one; `sql` never drops user data. */
export interface Migration {
  version: number;
  sql: string;
}

export interface OpenedSqliteFile {
  db: DatabaseSync;
  /** Set when the file on disk could not be read as a database and was moved aside to this path. */
  damagedFileMovedTo?: string;
  /** The schema version the file had before this open (0 for a new file). */
  previousVersion: number;
}

export interface OpenSqliteOptions {
  /** FULL for queues whose every commit must survive power loss; NORMAL is durable against a crash of the app. */
  synchronous: 'FULL' | 'NORMAL';
  /** Used in error messages, e.g. "history". */
  label: string;
}

/** SQLite's answers for a file whose bytes are not a database (NOTADB) or are damaged (CORRUPT). */
function isDamagedFileError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /file is not a database|database disk image is malformed|malformed database schema/i.test(message);
}

function storageError(label: string, path: string, error: unknown): HandleStudioError {
  const reason = error instanceof Error ? error.message : String(error);
  return new HandleStudioError(
    'STORAGE',
    `Could not open the ${label} database at ${path}: ${reason}. Check that the data folder exists, is writable and has free space.`,
    { path },
  );
}

/** Applies every migration newer than the file's `user_version`, each in its own transaction. */
function migrate(db: DatabaseSync, migrations: readonly Migration[], label: string): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const current = row.user_version;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    // A file written by a newer build: reading it with an older schema could misread columns.
    throw new HandleStudioError(
      'STORAGE',
      `The ${label} database was written by a newer version of Handle Studio (schema ${current}, this build knows ${newest}). Update Handle Studio to open it.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return current;
}

function openAndMigrate(path: string, migrations: readonly Migration[], options: OpenSqliteOptions) {
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous}`);
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA busy_timeout = 2000');
    const previousVersion = migrate(db, migrations, options.label);
    return { db, previousVersion };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens (creating if needed) a SQLite file and brings its schema up to date. A file that
 * SQLite says is not a database is renamed to `<file>.damaged-<time>` and a fresh file is
 * started, so the app keeps working and the user can still hand the damaged file to support.
 */
export function openSqliteFile(
  path: string,
  migrations: readonly Migration[],
  options: OpenSqliteOptions,
): OpenedSqliteFile {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw storageError(options.label, path, error);
  }
  try {
    return openAndMigrate(path, migrations, options);
  } catch (error) {
    if (error instanceof HandleStudioError) throw error;
    if (!isDamagedFileError(error)) throw storageError(options.label, path, error);
    const movedTo = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(path, movedTo);
      // The WAL and shared-memory files belong to the damaged database; a fresh file must not replay them.
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
      }
      const opened = openAndMigrate(path, migrations, options);
      return { ...opened, damagedFileMovedTo: movedTo };
    } catch (retryError) {
      throw storageError(options.label, path, retryError);
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
