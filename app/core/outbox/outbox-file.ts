/**
 * `outbox.sqlite`: the user's unsent work, meaning the outbox queue and the drafts. They
 * share a file because both are small, both must survive a restart, and neither may be
 * lost when history is pruned, cleared or found damaged (history has its own file).
 * The outbox and the drafts store each open their own connection to it.
 */
import { join } from 'node:path';
import type { Migration, OpenedSqliteFile } from '../storage/sqlite-file.ts';
import { openSqliteFile } from '../storage/sqlite-file.ts';

export const OUTBOX_FILE_NAME = 'outbox.sqlite';

/** Never edit a shipped step; add one. */
export const outboxFileMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        profile_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        request_json TEXT NOT NULL,
        invited_xuid TEXT,
        label TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'outcome-unknown')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error_json TEXT,
        handle_id TEXT,
        correlation_id TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_state ON outbox (state, seq);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        fields_json TEXT NOT NULL,
        profile_id TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX drafts_updated ON drafts (updated_at);
    `,
  },
  {
    // origin 'live': the journal of a send running now, never sent by a flush. owner_*: the
    // process (and store) that claimed or journaled a row, so only a dead owner's rows are
    // relabelled. next_attempt_at: backoff, or the time MPSD asked for. attempt_log_json:
    // earlier attempts, listed in the one history row the item's outcome gets.
    version: 3,
    sql: `
      ALTER TABLE outbox ADD COLUMN origin TEXT NOT NULL DEFAULT 'queued' CHECK (origin IN ('queued', 'live'));
      ALTER TABLE outbox ADD COLUMN owner_pid INTEGER;
      ALTER TABLE outbox ADD COLUMN owner_start TEXT;
      ALTER TABLE outbox ADD COLUMN owner_instance TEXT;
      ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
      ALTER TABLE outbox ADD COLUMN attempt_log_json TEXT;
    `,
  },
  {
    // owner_boot: the boot of the machine a live send journaled its rows in. Its last commits
    // are not all fsynced (see outbox-store.ts), so after a restart of the machine its rows are
    // read cautiously. NULL (rows written before this step) were fsynced one by one.
    version: 4,
    sql: `ALTER TABLE outbox ADD COLUMN owner_boot TEXT;`,
  },
  {
    // profile_name: the name of the profile that queued the row, so an item whose profile was
    // removed (or whose profiles.json was lost) is still named by what the user called it.
    version: 5,
    sql: `ALTER TABLE outbox ADD COLUMN profile_name TEXT;`,
  },
];

/**
 * Opens `outbox.sqlite` in the data folder with the given default synchronous level. The
 * outbox opens NORMAL and asks for FULL on each commit that must survive a power loss (see
 * outbox-store.ts); drafts, rewritten on every keystroke, take NORMAL, which survives an app
 * crash and costs no fsync per save.
 */
export function openOutboxFile(dataDir: string, synchronous: 'FULL' | 'NORMAL'): OpenedSqliteFile {
  return openSqliteFile(join(dataDir, OUTBOX_FILE_NAME), outboxFileMigrations, { synchronous, label: 'outbox' });
}
