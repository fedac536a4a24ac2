/**
 * History of every request the app sent, in `history.sqlite` (node:sqlite, WAL).
 *
 * Listing is newest first with keyset pagination on (at, seq), so page 500 costs the same
 * as page 1. Search is substring search over the invited XUID, recipient label, session
 * name, handle id and correlation id through an FTS5 trigram index (three characters or
 * more; shorter text is scanned for through a narrow index, see shortSearchClause), and over
 * the error code and text of failed rows through a partial index. Rows join the index in batches, every 500
 * appends and before any search, so an append stays a plain row insert. History lives in its own file, apart from the
 * outbox and drafts, so that clearing or losing history never touches unsent work.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
  HistoryEntry,
  HistoryFilter,
  HistoryListInput,
  HistoryPage,
  HistorySummary,
  Retention,
} from '../../shared/contract/history.ts';
import { historyFilterSchema, historyListInputSchema, retentionSchema } from '../../shared/contract/history.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { assertNoCredentials } from '../storage/credential-guard.ts';
import type { HistoryEntryInput } from './history-entry.ts';
import { readRowValues } from './history-row-values.ts';
import { invitedColumn, inviteesOf, RESPONSE_BODY_CAP } from './history-entry.ts';
import type { Migration } from '../storage/sqlite-file.ts';
import { inTransaction, openSqliteFile } from '../storage/sqlite-file.ts';

export const HISTORY_FILE_NAME = 'history.sqlite';

/** The searched columns, in the trigram index's order. */
const SEARCHED_COLUMNS = ['invited_xuid', 'recipient_label', 'session_name', 'handle_id', 'correlation_id'] as const;

/**
 * The schema, one step per release that changed it. Never edit a step that has shipped:
 * add a new one, so every older file upgrades the same way.
 */
export const historyMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        at INTEGER NOT NULL,
        profile_id TEXT NOT NULL,
        profile_name TEXT NOT NULL,
        sandbox TEXT NOT NULL,
        kind TEXT NOT NULL,
        scid TEXT,
        template_name TEXT,
        session_name TEXT,
        invited_xuid TEXT,
        recipient_label TEXT,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        status INTEGER,
        outcome TEXT NOT NULL,
        correlation_id TEXT,
        handle_id TEXT,
        duration_ms REAL NOT NULL,
        error_code TEXT,
        error_message TEXT,
        request_json TEXT NOT NULL,
        response_headers_json TEXT,
        response_body TEXT,
        response_truncated INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX history_at ON history (at);
    `,
  },
  {
    // Search: a trigram index gives substring matches ("6491" finds a XUID ending in it).
    // Rows are indexed in batches (see indexPendingRows), not by an insert trigger: one
    // FTS insert per append costs a segment write and frequent merges, which pushed the
    // append p99 from ~0.2 ms to ~5 ms in bench/history.ts.
    version: 2,
    sql: `
      CREATE VIRTUAL TABLE history_search USING fts5(
        invited_xuid, recipient_label, session_name, handle_id, correlation_id,
        content='history', content_rowid='seq', tokenize='trigram'
      );
      CREATE TABLE history_search_progress (only INTEGER PRIMARY KEY CHECK (only = 1), indexed_through INTEGER NOT NULL);
      INSERT INTO history_search_progress (only, indexed_through) VALUES (1, 0);
      -- Only rows already in the index may be removed from it; the rest were never added.
      CREATE TRIGGER history_search_delete AFTER DELETE ON history
      WHEN old.seq <= (SELECT indexed_through FROM history_search_progress) BEGIN
        INSERT INTO history_search (history_search, rowid, invited_xuid, recipient_label, session_name, handle_id, correlation_id)
        VALUES ('delete', old.seq, old.invited_xuid, old.recipient_label, old.session_name, old.handle_id, old.correlation_id);
      END;
    `,
  },
  {
    // Retention lives with the data it prunes, so it survives restarts without a settings file.
    version: 3,
    sql: `
      CREATE TABLE history_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE INDEX history_profile_at ON history (profile_id, at);
    `,
  },
  {
    // An outbox item's earlier attempts (offline, throttled, token refused), listed in the one row its outcome gets.
    version: 4,
    sql: `ALTER TABLE history ADD COLUMN attempts_json TEXT;`,
  },
  {
    // Search without reading every row (see shortSearchClause and filterClause): the failed
    // rows, whose error text is searched beside the trigram index; and the narrow scan for one
    // or two characters, newest first, with the columns the filters test.
    version: 5,
    sql: `
      CREATE INDEX history_failed ON history (error_code, error_message) WHERE error_code IS NOT NULL;
      CREATE INDEX history_scan ON history (at, profile_id, kind, outcome, ${SEARCHED_COLUMNS.join(', ')});
    `,
  },
  {
    // history_scan starts with `at`, so it orders pages and bounds dates as history_at did
    // (ties of the same millisecond are sorted by seq on the spot). One index less is one page
    // less written to the WAL by every append (bench/send-path.ts).
    version: 6,
    sql: `DROP INDEX history_at;`,
  },
];

/** How often the upkeep after appends prunes by itself when a retention rule is set. */
const PRUNE_EVERY_APPENDS = 1000;
/**
 * How often the upkeep after appends brings the search index up to date; a search indexes
 * whatever is left first.
 */
const INDEX_EVERY_APPENDS = 500;
/**
 * Upkeep that `append` leaves for later, so an append stays one small commit (p99 under 1 ms
 * in bench/history.ts): the search index's batch, pruning, and the WAL checkpoint, which copies
 * the WAL into the file and fsyncs it (1 to 20 ms at 100k entries; SQLite's own would run it
 * inside whichever append took the WAL past 1,000 pages). It runs when the event loop is next
 * free (during a send, while the next invite waits for MPSD) after every TIDY_EVERY_APPENDS
 * appends, about 600 WAL pages. A caller appending in a loop that never yields gets it inline
 * every TIDY_INLINE_APPENDS (the index batch append used to run inline, plus a checkpoint of
 * about 3,000 pages), so the WAL and a search's catch-up stay bounded. A checkpoint
 * changes nothing about durability: every commit is already in the WAL.
 */
const TIDY_EVERY_APPENDS = 100;
const TIDY_INLINE_APPENDS = 500;
const DAY_MS = 86_400_000;
/**
 * Rows per page of `pages`. Small on purpose: a page's rows and text (about 70 KB of JSON) are
 * garbage before V8's young generation fills, so they are collected there cheaply; pages of 500
 * outlived it, were promoted, and grew the heap by 70 to 140 MiB over a 100,000-entry export
 * (bench/history-export.ts). A page is one indexed seek, so more pages cost little.
 */
const EXPORT_PAGE_ROWS = 50;

interface HistoryRow {
  seq: number;
  id: string;
  at: number;
  profile_id: string;
  profile_name: string;
  sandbox: string;
  kind: string;
  scid: string | null;
  template_name: string | null;
  session_name: string | null;
  invited_xuid: string | null;
  recipient_label: string | null;
  method: string;
  url: string;
  status: number | null;
  outcome: string;
  correlation_id: string | null;
  handle_id: string | null;
  duration_ms: number;
  error_code: string | null;
  error_message: string | null;
  request_json?: string;
  response_headers_json?: string | null;
  response_body?: string | null;
  response_truncated?: number;
  attempts_json?: string | null;
}

const SUMMARY_COLUMNS = `seq, id, at, profile_id, profile_name, sandbox, kind, scid, template_name, session_name,
  invited_xuid, recipient_label, method, url, status, outcome, correlation_id, handle_id, duration_ms,
  error_code, error_message`;

function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function toSummary(row: HistoryRow): HistorySummary {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    profileId: row.profile_id,
    profileName: row.profile_name,
    sandbox: row.sandbox,
    // Checked, not cast: a kind, outcome or code this build does not know is listed as such.
    ...readRowValues(row),
    scid: optional(row.scid),
    templateName: optional(row.template_name),
    sessionName: optional(row.session_name),
    ...inviteesOf(row.kind, row.invited_xuid),
    recipientLabel: optional(row.recipient_label),
    method: row.method,
    url: row.url,
    status: optional(row.status),
    correlationId: optional(row.correlation_id),
    handleId: optional(row.handle_id),
    durationMs: row.duration_ms,
    errorMessage: optional(row.error_message),
  };
}

/**
 * A JSON column of one stored entry. A row damaged on disk is STORAGE naming the entry (it is
 * kept; the rest of history still reads), never an unexplained INTERNAL.
 */
function storedJson(row: HistoryRow, column: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HandleStudioError(
      'STORAGE',
      `History entry ${row.id} (${new Date(row.at).toISOString()}) is damaged: its stored ${column} cannot be read. It is kept in ${HISTORY_FILE_NAME}; the other entries are unaffected.`,
      { id: row.id },
    );
  }
}

/**
 * `damage`: 'refuse' when one entry is opened (STORAGE naming it, above); 'mark' in a JSON
 * export, where one damaged row must not fail the whole file: its unreadable parts are written
 * as their stored text under `damaged`.
 */
function toEntry(row: HistoryRow, damage: 'refuse' | 'mark' = 'refuse'): HistoryEntry {
  const damaged: NonNullable<HistoryEntry['damaged']> = {};
  const part = (column: string, name: keyof typeof damaged, text: string): unknown => {
    if (damage === 'refuse') return storedJson(row, column, text);
    try {
      return JSON.parse(text);
    } catch {
      damaged[name] = text;
      return undefined;
    }
  };
  const request = part('request', 'request', row.request_json ?? '{}') as HistoryEntry['request'] | undefined;
  const attempts = row.attempts_json ? (part('attempts', 'attempts', row.attempts_json) as HistoryEntry['attempts']) : undefined;
  return {
    ...toSummary(row),
    request: request ?? { method: row.method, url: row.url, headers: {} },
    responseHeaders: row.response_headers_json
      ? (part('response headers', 'responseHeaders', row.response_headers_json) as Record<string, string> | undefined)
      : undefined,
    responseBody: optional(row.response_body),
    responseTruncated: row.response_truncated === 1,
    ...(attempts === undefined ? {} : { attempts }),
    ...(Object.keys(damaged).length > 0 ? { damaged } : {}),
  };
}

function outcomeOf(input: { error?: { code: string } | undefined }): HistorySummary['outcome'] {
  if (!input.error) return 'ok';
  return input.error.code === 'OUTCOME_UNKNOWN' ? 'outcome-unknown' : 'error';
}

/** Phrase query for FTS5: the text matched as a literal substring, whatever characters it holds. */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** LIKE pattern matching `text` literally (\ escapes % and _). */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Search for one or two characters, which the trigram index cannot look up. The rows are
 * scanned newest first through history_scan, an index holding just the searched and filtered
 * columns (a tenth of a row's size, so a scan of every row reads a tenth of the pages), and
 * stop at a page of matches; the failed rows, whose error text is searched too, come through
 * their own small partial index.
 */
function shortSearchClause(search: string): { clause: string; params: (string | number)[] } {
  const pattern = likePattern(search);
  const inColumns = SEARCHED_COLUMNS.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ');
  const inError =
    "SELECT seq FROM history INDEXED BY history_failed WHERE error_code IS NOT NULL AND (error_code LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\')";
  return { clause: `(${inColumns} OR seq IN (${inError}))`, params: [...SEARCHED_COLUMNS.map(() => pattern), pattern, pattern] };
}

/** Builds the WHERE clause shared by list and export. */
function filterClause(filter: HistoryFilter): { from: string; where: string; params: (string | number)[] } {
  let from = 'history';
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (filter.kinds && filter.kinds.length > 0) {
    parts.push(`kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.status) {
    parts.push('outcome = ?');
    params.push(filter.status);
  }
  if (filter.profileId) {
    parts.push('profile_id = ?');
    params.push(filter.profileId);
  }
  if (filter.from) {
    parts.push('at >= ?');
    params.push(Date.parse(filter.from));
  }
  if (filter.to) {
    parts.push('at <= ?');
    params.push(Date.parse(filter.to));
  }
  const search = filter.search?.trim();
  if (search) {
    // The error code and text are not in the trigram index (it predates searching them):
    // they are matched with LIKE, on failed rows only, beside the index or the fallback.
    const inError = "(error_code IS NOT NULL AND (error_code LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\'))";
    // The trigram index needs three characters; below that, see shortSearchClause.
    if ([...search].length >= 3) {
      // One IN over both sources: the rows come from the index and the failed rows' partial
      // index; an OR of the two beside the other filters would read every row instead.
      parts.push(
        `seq IN (SELECT rowid FROM history_search WHERE history_search MATCH ? UNION SELECT seq FROM history INDEXED BY history_failed WHERE ${inError})`,
      );
      params.push(ftsPhrase(search), likePattern(search), likePattern(search));
    } else {
      const short = shortSearchClause(search);
      parts.push(short.clause);
      params.push(...short.params);
      from = 'history INDEXED BY history_scan';
    }
  }
  return { from, where: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

export interface HistoryStoreStatus {
  /** Set when history.sqlite could not be read and was moved aside; history restarted empty. */
  damagedFileMovedTo?: string;
  /** What was wrong with the file that was moved aside. */
  damage?: string;
  /** Set when history.sqlite was written by a newer Handle Studio: it is read, never written. */
  readOnlyReason?: string;
}

export interface OpenHistoryOptions {
  /** The data folder; the file is `<dataDir>/history.sqlite`. */
  dataDir: string;
  /** Told about every appended entry (main forwards it as the historyAppended event). */
  onAppended?: (summary: HistorySummary) => void;
  /** Injectable for retention tests. */
  now?: () => number;
}

export interface HistoryStore {
  readonly path: string;
  readonly status: HistoryStoreStatus;
  /** Records one request. Refuses (INTERNAL) a request that carries a real Authorization value, and an entry whose `id` is taken. */
  append(entry: HistoryEntryInput): HistorySummary;
  /** One page, newest first. Pass the returned `nextCursor` back for the next page. */
  list(input: HistoryListInput): HistoryPage;
  /** The whole entry, or NOT_FOUND. */
  get(id: string): HistoryEntry;
  /**
   * The filtered history newest first, a page of rows at a time (exports read it while they
   * write). Each page is its own short query from where the last ended, so no statement stays
   * open between pages and appends go on while a caller writes a page out.
   */
  pages(filter: HistoryFilter, shape: 'summary'): Generator<HistorySummary[]>;
  pages(filter: HistoryFilter, shape: 'entry'): Generator<HistoryEntry[]>;
  retention(): Retention;
  /** Stores the rule (it survives restarts) and prunes now; answers how many entries were removed. */
  setRetention(retention: Retention): number;
  /** Removes entries older than maxAgeDays and beyond the newest maxEntries; answers how many. */
  prune(): number;
  close(): void;
}

/** Opens (creating or upgrading) `history.sqlite` in the data folder. */
export function openHistoryStore(options: OpenHistoryOptions): HistoryStore {
  const path = join(options.dataDir, HISTORY_FILE_NAME);
  // trustCleanClose: history is the big file, and quick_check of all of it was half of core's start-up.
  const opened = openSqliteFile(path, historyMigrations, { synchronous: 'NORMAL', label: 'history', trustCleanClose: true });
  const db: DatabaseSync = opened.db;
  const now = options.now ?? Date.now;
  const status: HistoryStoreStatus = {
    ...(opened.damagedFileMovedTo ? { damagedFileMovedTo: opened.damagedFileMovedTo } : {}),
    ...(opened.damage ? { damage: opened.damage } : {}),
    ...(opened.readOnlyReason ? { readOnlyReason: opened.readOnlyReason } : {}),
  };

  const insert = db.prepare(`INSERT INTO history (id, at, profile_id, profile_name, sandbox, kind, scid, template_name,
    session_name, invited_xuid, recipient_label, method, url, status, outcome, correlation_id, handle_id, duration_ms,
    error_code, error_message, request_json, response_headers_json, response_body, response_truncated, attempts_json)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare('SELECT * FROM history WHERE id = ?');
  const readSetting = db.prepare('SELECT value FROM history_settings WHERE key = ?');
  const writeSetting = db.prepare(
    'INSERT INTO history_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const pruneByAge = db.prepare('DELETE FROM history WHERE at < ?');
  const pruneByCount = db.prepare(
    'DELETE FROM history WHERE seq IN (SELECT seq FROM history ORDER BY at DESC, seq DESC LIMIT -1 OFFSET ?)',
  );
  const indexPending =
    db.prepare(`INSERT INTO history_search (rowid, invited_xuid, recipient_label, session_name, handle_id, correlation_id)
    SELECT seq, invited_xuid, recipient_label, session_name, handle_id, correlation_id FROM history
    WHERE seq > (SELECT indexed_through FROM history_search_progress) ORDER BY seq`);
  const markIndexed = db.prepare(`UPDATE history_search_progress SET indexed_through = (SELECT COALESCE(MAX(seq), 0) FROM history)`);
  // Statements for list are built per filter shape; keep them so paging does not re-prepare.
  const listStatements = new Map<string, StatementSync>();
  let appendsSincePrune = 0;
  let appendsSinceIndex = 0;
  let appendsSinceTidy = 0;
  let tidyLater: NodeJS.Immediate | null = null;
  // Checkpoints are the upkeep's (see TIDY_EVERY_APPENDS), never an append's.
  if (!status.readOnlyReason) db.exec('PRAGMA wal_autocheckpoint = 0');

  /** Adds every row appended since the last batch to the search index, in one transaction. */
  function indexPendingRows(): void {
    // A newer build's file is only read here: its rows are indexed by the build that wrote them.
    if (status.readOnlyReason) return;
    appendsSinceIndex = 0;
    inTransaction(db, () => {
      indexPending.run();
      markIndexed.run();
    });
  }

  function retention(): Retention {
    const row = readSetting.get('retention') as { value: string } | undefined;
    return row ? retentionSchema.parse(JSON.parse(row.value)) : {};
  }

  function prune(): number {
    const rule = retention();
    appendsSincePrune = 0;
    if (rule.maxAgeDays === undefined && rule.maxEntries === undefined) return 0;
    return inTransaction(db, () => {
      let removed = 0;
      if (rule.maxAgeDays !== undefined) removed += Number(pruneByAge.run(now() - rule.maxAgeDays * DAY_MS).changes);
      if (rule.maxEntries !== undefined) removed += Number(pruneByCount.run(rule.maxEntries).changes);
      return removed;
    });
  }

  /** The upkeep after appends (see TIDY_EVERY_APPENDS). */
  function tidy(): void {
    if (tidyLater !== null) clearImmediate(tidyLater);
    tidyLater = null;
    appendsSinceTidy = 0;
    if (appendsSinceIndex >= INDEX_EVERY_APPENDS) indexPendingRows();
    if (appendsSincePrune >= PRUNE_EVERY_APPENDS) prune();
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  }

  function tidySoon(): void {
    tidyLater = setImmediate(() => {
      tidyLater = null;
      if (!db.isOpen) return;
      try {
        tidy();
      } catch {
        // Nothing is lost: every append is committed in the WAL, and the next upkeep (or a
        // search, which indexes first and says so if it cannot) tries again.
      }
    }).unref();
  }

  function statementFor(sql: string): StatementSync {
    let statement = listStatements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      listStatements.set(sql, statement);
    }
    return statement;
  }

  indexPendingRows();
  if (!status.readOnlyReason) prune();

  return {
    path,
    status,

    append(entry) {
      assertNoCredentials(entry.request, 'history');
      // An outbox attempt's row comes with its id (attempt-row-id.ts): a second row of it is refused by the UNIQUE id.
      const id = entry.id ?? randomUUID();
      const body = entry.response?.body;
      const truncated = body !== undefined && body.length > RESPONSE_BODY_CAP;
      const at = Date.parse(entry.at);
      const outcome = outcomeOf(entry);
      insert.run(
        id,
        at,
        entry.profileId,
        entry.profileName,
        entry.sandbox,
        entry.kind,
        entry.sessionRef?.scid ?? null,
        entry.sessionRef?.templateName ?? null,
        entry.sessionRef?.name ?? null,
        invitedColumn(entry),
        entry.recipientLabel ?? null,
        entry.request.method,
        entry.request.url,
        entry.response?.status ?? null,
        outcome,
        entry.correlationId ?? null,
        entry.handleId ?? null,
        entry.durationMs,
        entry.error?.code ?? null,
        entry.error?.message ?? null,
        JSON.stringify(entry.request),
        entry.response ? JSON.stringify(entry.response.headers) : null,
        body === undefined ? null : truncated ? body.slice(0, RESPONSE_BODY_CAP) : body,
        truncated ? 1 : 0,
        entry.attempts === undefined || entry.attempts.length === 0 ? null : JSON.stringify(entry.attempts),
      );
      const summary: HistorySummary = {
        id,
        at: new Date(at).toISOString(),
        profileId: entry.profileId,
        profileName: entry.profileName,
        sandbox: entry.sandbox,
        kind: entry.kind,
        scid: entry.sessionRef?.scid,
        templateName: entry.sessionRef?.templateName,
        sessionName: entry.sessionRef?.name,
        invitedXuid: entry.invitedXuid,
        invitedXuids: entry.invitedXuids,
        recipientLabel: entry.recipientLabel,
        method: entry.request.method,
        url: entry.request.url,
        status: entry.response?.status,
        outcome,
        correlationId: entry.correlationId,
        handleId: entry.handleId,
        durationMs: entry.durationMs,
        errorCode: entry.error?.code,
        errorMessage: entry.error?.message,
      };
      appendsSinceIndex++;
      appendsSincePrune++;
      if (++appendsSinceTidy >= TIDY_INLINE_APPENDS) tidy();
      else if (appendsSinceTidy >= TIDY_EVERY_APPENDS && tidyLater === null) tidySoon();
      options.onAppended?.(summary);
      return summary;
    },

    list(raw) {
      const input = parseOrThrow(historyListInputSchema, raw, 'History list request is not valid');
      if (input.search) indexPendingRows();
      const { from, where, params } = filterClause(input);
      let keyset = '';
      if (input.cursor) {
        const [at, seq] = input.cursor.split(':').map(Number) as [number, number];
        keyset = ' AND (at, seq) < (?, ?)';
        params.push(at, seq);
      }
      // One more row than asked tells whether there is a next page without a COUNT.
      const found = statementFor(`SELECT ${SUMMARY_COLUMNS} FROM ${from} WHERE ${where}${keyset} ORDER BY at DESC, seq DESC LIMIT ?`).all(
        ...params,
        input.limit + 1,
      ) as unknown as HistoryRow[];
      const page = found.slice(0, input.limit);
      const last = page.at(-1);
      return {
        entries: page.map(toSummary),
        nextCursor: found.length > input.limit && last ? `${last.at}:${last.seq}` : undefined,
      };
    },

    get(id) {
      const row = byId.get(id) as HistoryRow | undefined;
      if (!row) throw new HandleStudioError('NOT_FOUND', `No history entry with id ${id}: it may have been pruned by the retention rule.`);
      return toEntry(row);
    },

    pages: function* (rawFilter: HistoryFilter, shape: 'summary' | 'entry') {
      const filter = parseOrThrow(historyFilterSchema, rawFilter, 'Export filter is not valid');
      if (filter.search) indexPendingRows();
      const { from, where, params } = filterClause(filter);
      const columns = shape === 'entry' ? '*' : SUMMARY_COLUMNS;
      const first = statementFor(`SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY at DESC, seq DESC LIMIT ?`);
      const next = statementFor(`SELECT ${columns} FROM ${from} WHERE ${where} AND (at, seq) < (?, ?) ORDER BY at DESC, seq DESC LIMIT ?`);
      let page = first.all(...params, EXPORT_PAGE_ROWS) as unknown as HistoryRow[];
      while (page.length > 0) {
        const last = page.at(-1) as HistoryRow;
        yield shape === 'entry' ? page.map((row) => toEntry(row, 'mark')) : page.map(toSummary);
        if (page.length < EXPORT_PAGE_ROWS) return;
        page = next.all(...params, last.at, last.seq, EXPORT_PAGE_ROWS) as unknown as HistoryRow[];
      }
    } as HistoryStore['pages'],

    retention,

    setRetention(raw) {
      const rule = parseOrThrow(retentionSchema, raw, 'Retention is not valid');
      writeSetting.run('retention', JSON.stringify(rule));
      return prune();
    },

    prune,

    close() {
      if (tidyLater !== null) clearImmediate(tidyLater);
      tidyLater = null;
      opened.close();
    },
  };
}
