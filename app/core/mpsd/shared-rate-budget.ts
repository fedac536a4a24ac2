/**
 * Rate budgets every process of one data folder shares. MPSD counts requests per user and
 * title, so the app, a CLI send and a second CLI send for the same profile must spend one
 * budget, not a full budget each: start times and Retry-After pauses live in
 * `rate-budget.sqlite`, and each claim reads and records them in one IMMEDIATE transaction.
 *
 * One connection serves every budget of the process, MPSD's and MPA's four buckets alike: each
 * budget is a key with windows of its own (budgetFor), so starting core opens the file once.
 *
 * A pause is the endpoint's that asked for it (see rate-budget.ts): its row is keyed
 * `<budget> <origin>`. A row keyed by the budget alone, as every build before wrote it, holds
 * every origin back as it did then, so files written before read the same; it ends within a
 * day, and no migration is needed (a build before this one reads the new rows as another budget's).
 *
 * The file only paces sends; it never holds anything a send depends on. When it cannot be
 * opened or written (damaged, read-only, disk full), budgets fall back to this process's
 * memory and the user is told once, so a broken file never stops a send.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { join } from 'node:path';
import { inTransaction, openSqliteFile } from '../storage/sqlite-file.ts';
import type { Clock } from '../ports.ts';
import {
  createMemoryLedger,
  createRateBudget,
  LONGEST_PAUSE_MS,
  type RateBudget,
  type RateBudgetOptions,
  type RateLedger,
} from './rate-budget.ts';

export const RATE_BUDGET_FILE = 'rate-budget.sqlite';

/**
 * IF NOT EXISTS: written when two processes starting together could both read schema version 0
 * and both migrate. sqlite-file.ts now reads the version again inside the migration's
 * transaction, so the second skips it; IF NOT EXISTS is now only a second guard, and harmless.
 */
const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS starts (budget TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS starts_by_budget ON starts (budget, at);
      CREATE TABLE IF NOT EXISTS pauses (budget TEXT PRIMARY KEY, until INTEGER NOT NULL);
    `,
  },
] as const;

const OPEN_ATTEMPTS = 5;
/** Every this many starts of a budget in a process, its starts older than the newest `keep` are deleted. */
const FORGET_EVERY = 64;
const LOCKED = /database is locked|SQLITE_BUSY/i;

export interface SharedRateBudgetOptions extends Omit<RateBudgetOptions, 'ledger'> {
  dataDir: string;
  clock: Clock;
  /**
   * Told once when the file cannot be used and budgets fall back to this process's memory,
   * and when a damaged file was moved aside for a fresh one (the pauses it held are gone).
   */
  onFallback(message: string): void;
}

/** How one key's budget is paced, where it differs from what the budgets were opened with (e.g. MPA's windows). */
export type BudgetPacing = Omit<RateBudgetOptions, 'ledger' | 'clock'>;

export interface SharedRateBudgets {
  /**
   * The budget under `key` (a profile id, or MPA's bucket, sender and title); the same object
   * for the same key. `pacing` applies when the key is first asked for.
   */
  budgetFor(key: string, pacing?: BudgetPacing): RateBudget;
  close(): void;
}

/** The statements every claim and pause runs, prepared once per connection. */
interface LedgerStatements {
  nthNewestStart: StatementSync;
  pause: StatementSync;
  mendPause: StatementSync;
  forgetPause: StatementSync;
  recordStart: StatementSync;
  forgetOldStarts: StatementSync;
  recordPause: StatementSync;
}

function prepareLedger(db: DatabaseSync): LedgerStatements {
  return {
    // One row, walked to on the (budget, at) index: a claim reads a start per window, not every start kept.
    nthNewestStart: db.prepare('SELECT at FROM starts WHERE budget = ? ORDER BY at DESC LIMIT 1 OFFSET ?'),
    // A pause is read as a number no later than the longest one believed (a row can be damaged, or
    // written by a build that believed any Retry-After): node:sqlite cannot even read an integer
    // past 2^53, so the bound is applied in SQL, and `damaged` says the row needs mending.
    pause: db.prepare(
      `SELECT budget, CASE WHEN typeof(until) IN ('integer', 'real') THEN max(min(until, :latest), 0) END AS until,
              typeof(until) NOT IN ('integer', 'real') OR until > :latest AS damaged
       FROM pauses WHERE budget IN (:budget, :atOrigin)`,
    ),
    mendPause: db.prepare('UPDATE pauses SET until = ? WHERE budget = ?'),
    forgetPause: db.prepare('DELETE FROM pauses WHERE budget = ?'),
    recordStart: db.prepare('INSERT INTO starts (budget, at) VALUES (?, ?)'),
    // Only the newest `keep` starts can ever decide a wait (?2 is keep - 1; a start as old as the keep-th newest may stay).
    forgetOldStarts: db.prepare(
      'DELETE FROM starts WHERE budget = ?1 AND at < (SELECT at FROM starts WHERE budget = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2)',
    ),
    recordPause: db.prepare(
      'INSERT INTO pauses (budget, until) VALUES (?, ?) ON CONFLICT (budget) DO UPDATE SET until = max(until, excluded.until)',
    ),
  };
}

/** The pauses row of `key`'s pause for `origin`; the key alone holds every origin back. */
function pauseKey(key: string, origin: string | undefined): string {
  return origin ? `${key} ${origin}` : key;
}

export function openSharedRateBudgets(options: SharedRateBudgetOptions): SharedRateBudgets {
  const path = join(options.dataDir, RATE_BUDGET_FILE);
  const { dataDir: _dataDir, onFallback, ...budgetOptions } = options;
  const budgets = new Map<string, RateBudget>();
  let db: DatabaseSync | undefined;
  let statements: LedgerStatements | undefined;
  let failed = false;

  /** The first failure, at open or later, switches every budget to memory for the rest of this run. */
  function fallBack(thrown: unknown): void {
    failed = true;
    try {
      db?.close();
    } catch {
      // Already unusable: closing is only tidying up.
    }
    db = undefined;
    statements = undefined;
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    onFallback(
      `The shared rate budget at ${path} cannot be used (${reason.slice(0, 200)}): sends from this process are paced on their own, so the app and the CLI together may meet MPSD's rate limit (429) sooner. Delete the file to start it again.`,
    );
  }

  function database(): { db: DatabaseSync; statements: LedgerStatements } | undefined {
    if (failed) return undefined;
    if (db !== undefined && statements !== undefined) return { db, statements };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const opened = openSqliteFile(path, MIGRATIONS, { synchronous: 'NORMAL', label: 'rate budget' });
        db = opened.db;
        statements = prepareLedger(db);
        if (opened.damagedFileMovedTo !== undefined) {
          // Said like the other damaged files: a Retry-After pause it held is forgotten, and a send may meet 429 sooner.
          onFallback(
            `The shared rate budget at ${path} was damaged (${opened.damage ?? 'unreadable'}); it was kept as ${opened.damagedFileMovedTo} and a fresh one was started. A pause MPSD asked for (Retry-After) that it held is forgotten: if sends are refused with 429, wait a few minutes before sending again.`,
          );
        }
        return { db, statements };
      } catch (thrown) {
        if (attempt < OPEN_ATTEMPTS && LOCKED.test(thrown instanceof Error ? thrown.message : '')) {
          // Switching a new file to WAL needs a moment alone with it; another process may be doing just that.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25 * attempt);
          continue;
        }
        fallBack(thrown);
        return undefined;
      }
    }
  }

  function ledgerFor(key: string): RateLedger {
    const memory = createMemoryLedger();
    let claims = 0;
    return {
      claim(now, keep, decide, origin) {
        const shared = database();
        if (shared !== undefined) {
          const { statements: ledger } = shared;
          try {
            return inTransaction(shared.db, () => {
              const pauses = ledger.pause.all({ budget: key, atOrigin: pauseKey(key, origin), latest: now + LONGEST_PAUSE_MS }) as {
                budget: string;
                until: number | null;
                damaged: number;
              }[];
              let pausedUntil = Number.NEGATIVE_INFINITY;
              for (const pause of pauses) {
                // Mended where it lies, so a pause too long ends a day from the first time it is read, not a day from every read.
                if (pause.damaged === 1) {
                  if (pause.until === null) ledger.forgetPause.run(pause.budget);
                  else ledger.mendPause.run(Math.round(pause.until), pause.budget);
                }
                if (pause.until !== null) pausedUntil = Math.max(pausedUntil, pause.until);
              }
              const nthNewest = (n: number) => (ledger.nthNewestStart.get(key, n - 1) as { at: number } | undefined)?.at;
              const wait = decide(nthNewest, pausedUntil);
              if (wait <= 0) {
                ledger.recordStart.run(key, now);
                // Old starts only take room: forgotten now and then rather than on every claim.
                if (++claims % FORGET_EVERY === 0) ledger.forgetOldStarts.run(key, keep - 1);
              }
              return wait;
            });
          } catch (thrown) {
            fallBack(thrown);
          }
        }
        return memory.claim(now, keep, decide, origin);
      },
      pauseUntil(until, origin) {
        // Kept in memory too, so a fallback later in this run still honours it.
        memory.pauseUntil(until, origin);
        const shared = database();
        if (shared === undefined) return;
        try {
          inTransaction(shared.db, () => shared.statements.recordPause.run(pauseKey(key, origin), Math.round(until)));
        } catch (thrown) {
          fallBack(thrown);
        }
      },
    };
  }

  // Opened now rather than at the first send, so a file that cannot be used is among the notices
  // every front door shows when it opens the data folder (the CLI prints them at the start).
  database();

  return {
    budgetFor(key, pacing) {
      let budget = budgets.get(key);
      if (budget === undefined) {
        budget = createRateBudget({ ...budgetOptions, ...pacing, ledger: ledgerFor(key) });
        budgets.set(key, budget);
      }
      return budget;
    },
    close() {
      db?.close();
      db = undefined;
      statements = undefined;
    },
  };
}
