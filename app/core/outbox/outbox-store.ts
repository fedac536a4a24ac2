/**
 * The outbox: a durable queue of wire requests that could not go out, and the journal of
 * live sends. One item per wire request, so an invite to three people is three items and
 * each is tracked exactly once.
 *
 * The state machine, and why it is safe against a crash at any point:
 *   queued → sending   committed (fsync) BEFORE the request is handed to `deliver`, with the
 *                      owner (process id, its start mark, the store instance)
 *   sending → sent | failed | queued (retry later) | outcome-unknown, committed AFTER, and
 *                      only by that owner
 *   sending whose owner is gone → outcome-unknown: the request may or may not have reached
 *                      MPSD; resending could invite someone twice, so only the user decides
 *                      (`requeue` or `dismiss`). A row another live process is sending is never
 *                      touched.
 * Items have an origin: 'queued' (the user asked to send later: flushes send it) or 'live'
 * (a send running now journals its invites: no flush ever sends them, and those its owner
 * never attempted are dropped once the owner is gone, since nobody asked to queue them).
 *
 * What reaches the disk when (outbox.sqlite is WAL; a commit at synchronous=NORMAL survives
 * the app being killed, since it is in the OS's hands when COMMIT returns, but the last ones
 * may be lost to a power cut or an OS crash; a FULL commit is fsynced, and with it every
 * commit before it):
 * - FULL, so a power cut can never make the outbox send something twice or drop what the
 *   user asked for: every enqueue (a queued item, and a live send's journal before its first
 *   request leaves), a flush's claim of a queued item (lost, the item would be 'queued' again
 *   and sent again), keepQueued, requeue, and dismissing a queued item (lost, it would be sent).
 * - NORMAL, one fsync less per invite where losing the commit is safe: a live invite's claim
 *   and every settle (lost, the row is back to 'queued' or 'sending'), the journal's tidying
 *   and the relabelling of abandoned rows (done again at the next open). A live row's claim
 *   lost to a power cut would make an invite that went out look never attempted, and "never
 *   attempted" rows are dropped; so live rows carry the boot of the machine they were written
 *   in, and those of an earlier boot are not dropped but marked outcome-unknown: after a power
 *   cut every invite of the interrupted send whose answer is not on disk is unknown, and none
 *   is sent again without the user deciding. A kill without a power cut loses nothing, so it
 *   keeps the exact answer: the one invite in flight unknown, the rest dropped.
 * - A live send's settle shares the commit of its next invite's claim (`together`, see
 *   invite-journal.ts): one commit per invite, and still every answer on disk before the next
 *   invite leaves.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import * as z from '../../shared/zod.ts';
import type { OutboxAttempt, OutboxCounts, OutboxFlushSummary, OutboxItem, OutboxState } from '../../shared/contract/outbox.ts';
import { outboxAttemptSchema, outboxOrigins, outboxStates } from '../../shared/contract/outbox.ts';
import type { AppError } from '../../shared/errors.ts';
import { errorCodes, HandleStudioError, toAppError } from '../../shared/errors.ts';
import { xuidSchema } from '../../shared/mpsd/ids.ts';
import { recordedKinds } from '../../shared/recorded-kinds.ts';
import { validationError } from '../../shared/validation.ts';
import { assertNoCredentials } from '../storage/credential-guard.ts';
import { inTransaction } from '../storage/sqlite-file.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import { OUTBOX_FILE_NAME, openOutboxFile } from './outbox-file.ts';
import { ownerIsAlive, registerOwner, releaseOwner } from './row-owner.ts';

/** A request JSON larger than this is refused: nothing MPSD takes comes close. */
const REQUEST_JSON_MAX = 256 * 1024;
/** Backoff after an attempt that could not go out: doubles from the first step up to the cap, with jitter. */
const BACKOFF_FIRST_MS = 10_000;
const BACKOFF_CAP_MS = 15 * 60_000;
/** Earlier attempts kept per item (the newest); enough to see a pattern, bounded on disk. */
const ATTEMPT_LOG_MAX = 20;

const appErrorInputSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string().check(z.maxLength(2000)),
});

/** What `deliver` answers for one item. */
export const deliveryOutcomeSchema = z.discriminatedUnion('result', [
  z.object({
    result: z.literal('sent'),
    handleId: z.optional(z.string().check(z.maxLength(64))),
    correlationId: z.optional(z.string().check(z.maxLength(200))),
  }),
  z.object({ result: z.literal('failed'), error: appErrorInputSchema, correlationId: z.optional(z.string().check(z.maxLength(200))) }),
  /**
   * It did not go through and is safe to send again: back to the queue. `retryAt`: MPSD asked
   * not to be called before then (a long Retry-After). `paused`: the user must act first (no
   * token, token refused, profile missing), so no backoff: it goes as soon as they have. Otherwise
   * the next attempt backs off. `status`: MPSD's answer, if it gave one; a paused outcome without
   * one means no call was made, so it is neither counted as an attempt nor logged.
   */
  z.object({
    result: z.literal('retry-later'),
    error: appErrorInputSchema,
    retryAt: z.optional(z.iso.datetime({ offset: true })),
    paused: z.optional(z.boolean()),
    status: z.optional(z.number().check(z.int())),
  }),
  /** It may have reached MPSD (timeout after sending, connection dropped): never resent automatically. */
  z.object({
    result: z.literal('outcome-unknown'),
    error: appErrorInputSchema,
    correlationId: z.optional(z.string().check(z.maxLength(200))),
  }),
]);
export type DeliveryOutcome = z.input<typeof deliveryOutcomeSchema>;

/** Sends one item. Must not throw for ordinary failures; a throw is recorded as outcome-unknown. */
export type Deliver = (item: OutboxItem, signal: AbortSignal) => Promise<DeliveryOutcome>;

export interface FlushProgress {
  item: OutboxItem;
  /** Items finished in this flush so far, and how many were queued when it started. */
  done: number;
  total: number;
}

export interface FlushOptions {
  deliver: Deliver;
  /** Stops the flush: waits end, the item in flight is finished and recorded, the rest stays queued. */
  signal?: AbortSignal;
  onProgress?: (progress: FlushProgress) => void;
  /**
   * The background flusher: only items whose backoff is over. A flush the user asked for
   * tries everything queued except what MPSD itself asked to hold (a long Retry-After).
   */
  dueOnly?: boolean;
}

export interface OutboxStoreStatus {
  /** Set when outbox.sqlite could not be read and was moved aside. */
  damagedFileMovedTo?: string;
  /** How many items were found mid-send at open, their sender gone, and marked outcome-unknown. */
  interruptedAtOpen: number;
  /** How many never-attempted invites of a live send whose process is gone were dropped at open. */
  droppedAtOpen: number;
}

/** A row that cannot be read back (damaged JSON, a value this build does not know). */
export interface DamagedOutboxRow {
  id: string;
  problem: string;
}

export interface OutboxStore {
  readonly status: OutboxStoreStatus;
  /**
   * Adds items (all or none) in the given order, each 'queued'. Origin 'live' journals the
   * invites of a send running now in this store: owned by it, never sent by a flush, and its
   * requests are not checked against `requestSchema` (the sender built them).
   */
  enqueue(items: readonly NewOutboxItem[], options?: { origin?: 'queued' | 'live' }): OutboxItem[];
  /** Readable items oldest first, optionally only some states; damaged rows are in `damaged()`. */
  list(options?: { states?: readonly OutboxState[]; limit?: number }): OutboxItem[];
  /** Rows that could not be read, with what is wrong; each can still be dismissed. */
  damaged(): DamagedOutboxRow[];
  get(id: string): OutboxItem;
  counts(): OutboxCounts;
  /** Sends every queued item, one at a time, oldest first. Only one flush runs at a time (CONFLICT otherwise). */
  flush(options: FlushOptions): Promise<OutboxFlushSummary>;
  /**
   * Durably marks one queued item 'sending' before its attempt, for a sender other than
   * flush (a live fan-out journals its invites here). Answers false when the item is no longer
   * queued (another sender claimed it first), so two senders can never both send it.
   */
  claim(id: string): boolean;
  /**
   * Records the result of an item this store claimed. Throws CONFLICT, naming the result that
   * could not be kept, when the row is no longer this store's to settle.
   */
  settle(id: string, outcome: DeliveryOutcome): void;
  /**
   * Runs a settle and the next claim (this store's own single-statement writes) as one commit,
   * telling onChange once: a live send records one invite's answer and marks the next one
   * 'sending' with one write instead of two (see invite-journal.ts). All or nothing: if `work`
   * throws, neither is kept. Only a live send's claims go inside (a queued item's claim is
   * fsynced, a commit of its own), and neither enqueue nor dismissAll (they are commits too).
   */
  together<T>(work: () => T): T;
  /** The state of each of these items that still exists (one read for a whole send's journal). */
  statesOf(ids: readonly string[]): Map<string, string>;
  /** Removes these items (all in one commit), except any being sent right now; answers how many went. */
  dismissAll(ids: readonly string[]): number;
  /** A live send's invite that could not go out now becomes an ordinary queued item: the user asked for that. */
  keepQueued(id: string): void;
  /** Puts a failed or outcome-unknown item back in the queue: the user chose to send it again. */
  requeue(id: string): OutboxItem;
  /** Removes an item that is not being sent right now. */
  dismiss(id: string): void;
  /**
   * Hands queued items (all or none) to another profile, which sends them from the next flush
   * on. Only 'queued' items of the queue: one being sent, or whose outcome is unknown, may have
   * gone out already (CONFLICT). The caller checks that the profile fits (outbox-handlers.ts).
   */
  reassign(ids: readonly string[], profile: { id: string; name: string }): OutboxItem[];
  close(): void;
}

export interface OpenOutboxOptions {
  dataDir: string;
  /** Validates each item's request JSON (the app passes its wire-request schema). */
  requestSchema: z.ZodMiniType;
  /** Told the counts after every change (main forwards it as the outboxChanged event). */
  onChange?: (counts: OutboxCounts) => void;
  now?: () => number;
  /** 0..1 for backoff jitter; injectable so tests are deterministic. Default Math.random. */
  random?: () => number;
  /** The name of a profile now, kept with the items it queues (named by it if the profile is later gone). */
  profileNameOf?: (profileId: string) => string | undefined;
  /**
   * Told the items this store found mid-send with their sender gone and marked outcome-unknown
   * (at open, or at a later list or flush). Only the store whose mark took tells, so each item is
   * told once even when two processes open at once (interrupted-history.ts gives each a History row).
   */
  onInterrupted?: (items: OutboxItem[]) => void;
  /**
   * Tests only (a fault point): called with each row of a sender that is gone, after the rows
   * were read and before this one is marked, so a test can hold two processes there at once.
   */
  beforeMarkingAbandoned?: (id: string) => void;
}

export const newOutboxItemSchema = z.strictObject({
  profileId: z.string().check(z.minLength(1, { error: 'An outbox item needs the profile that will send it.' }), z.maxLength(64)),
  kind: z.enum(recordedKinds, { error: `Outbox item kind must be one of: ${recordedKinds.join(', ')}.` }),
  request: z.unknown(),
  invitedXuid: z.optional(xuidSchema),
  label: z.optional(z.string().check(z.maxLength(100, { error: 'A recipient label is at most 100 characters.' }))),
});
export type NewOutboxItem = z.input<typeof newOutboxItemSchema>;

interface OutboxRow {
  id: string;
  created_at: number;
  profile_id: string;
  kind: string;
  request_json: string;
  invited_xuid: string | null;
  label: string | null;
  state: string;
  attempts: number;
  last_error_json: string | null;
  handle_id: string | null;
  correlation_id: string | null;
  updated_at: number;
  origin: string;
  owner_pid: number | null;
  owner_start: string | null;
  owner_instance: string | null;
  owner_boot: string | null;
  next_attempt_at: number | null;
  attempt_log_json: string | null;
  profile_name: string | null;
}

/** The columns a settle reads and record() needs. */
type SettledRow = Pick<OutboxRow, 'id' | 'state' | 'origin' | 'attempt_log_json'>;

/** How a stored row must look to be read back; anything else is reported as damaged, never guessed. */
const storedRowSchema = z.object({
  kind: z.enum(recordedKinds, { error: 'its kind is not one this version knows' }),
  state: z.enum(outboxStates, { error: 'its state is not one this version knows' }),
  origin: z.enum(outboxOrigins, { error: 'its origin is not one this version knows' }),
  lastError: z.optional(appErrorInputSchema),
  attemptLog: z.optional(z.array(outboxAttemptSchema)),
});

function parseJsonColumn(text: string | null, column: string): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HandleStudioError('STORAGE', `its ${column} is not valid JSON`);
  }
}

/** Parses one part of a batch item, naming the item in the message so the caller knows which one to fix. */
function parseItemPart<S extends z.ZodMiniType>(schema: S, value: unknown, which: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const error = validationError(parsed.error);
  throw new HandleStudioError('VALIDATION', `${which}: ${error.message}`, error.details);
}

const UNCONFIRMED_MESSAGE =
  'Handle Studio stopped during this send and the computer restarted since, so whether this invite went out cannot be known (the last moments before a power cut may not have reached the disk). Check history (or the recipient) before sending it again.';

const ABANDONED_MESSAGE =
  "The Handle Studio process sending this stopped before MPSD's answer was recorded, so it may or may not have reached Xbox Live. Check history (or the recipient) before sending it again.";

/** Opens the outbox; rows left 'sending' by a process that is gone are marked outcome-unknown here. */
export function openOutboxStore(options: OpenOutboxOptions): OutboxStore {
  const opened = openOutboxFile(options.dataDir, 'NORMAL');
  const db: DatabaseSync = opened.db;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const instance = randomUUID();
  const owner = registerOwner(instance);
  const place = { what: 'outbox database', path: join(options.dataDir, OUTBOX_FILE_NAME), folder: options.dataDir };
  /** A write that fails (disk full, read-only) is a STORAGE error in words, never SQLite's bare text. */
  const written = <T>(work: () => T): T => {
    try {
      return work();
    } catch (thrown) {
      throw asStorageError(thrown, place);
    }
  };

  /** Runs one write whose commit must be fsynced (see the top of this file); the connection is NORMAL otherwise. */
  const durably = <T>(work: () => T): T => {
    db.exec('PRAGMA synchronous = FULL');
    try {
      return work();
    } finally {
      db.exec('PRAGMA synchronous = NORMAL');
    }
  };

  const insert = db.prepare(
    `INSERT INTO outbox (id, created_at, profile_id, kind, request_json, invited_xuid, label, state, attempts, updated_at,
       origin, owner_pid, owner_start, owner_instance, owner_boot, profile_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM outbox WHERE id = ?');
  // What a settle reads of its row: not the request, which it does not change.
  const toSettle = db.prepare('SELECT id, state, origin, attempt_log_json FROM outbox WHERE id = ?');
  const stateOf = db.prepare('SELECT state, origin FROM outbox WHERE id = ?');
  // Changes when another connection (another process, the drafts store) commits to the file.
  const dataVersion = db.prepare('PRAGMA data_version');
  // A running live send's invites not yet attempted are its private journal, not waiting work:
  // they are neither counted nor listed (the send reports them itself).
  const VISIBLE = `NOT (origin = 'live' AND state = 'queued')`;
  const countRows = db.prepare(`SELECT state, COUNT(*) AS n FROM outbox WHERE ${VISIBLE} GROUP BY state`);
  const queuedRows = db.prepare(`SELECT id FROM outbox WHERE state = 'queued' AND origin = 'queued' ORDER BY seq`);
  const ownedRows = db.prepare(
    `SELECT id, state, owner_pid, owner_start, owner_instance, owner_boot FROM outbox WHERE state = 'sending' OR (origin = 'live' AND state = 'queued')`,
  );
  const markAbandoned = db.prepare(
    `UPDATE outbox SET state = 'outcome-unknown', updated_at = ?, last_error_json = ?, owner_pid = NULL, owner_start = NULL, owner_instance = NULL
     WHERE id = ? AND state = 'sending' AND owner_instance IS ?`,
  );
  const dropAbandoned = db.prepare(`DELETE FROM outbox WHERE id = ? AND state = 'queued' AND origin = 'live' AND owner_instance IS ?`);
  const markUnconfirmed = db.prepare(
    `UPDATE outbox SET state = 'outcome-unknown', updated_at = ?, last_error_json = ?, owner_pid = NULL, owner_start = NULL, owner_instance = NULL
     WHERE id = ? AND state = 'queued' AND origin = 'live' AND owner_instance IS ?`,
  );
  const markSending = db.prepare(
    `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?, owner_pid = ?, owner_start = ?, owner_instance = ?, owner_boot = ?
     WHERE id = ? AND state = 'queued'`,
  );
  const recordResult = db.prepare(
    `UPDATE outbox SET state = ?, last_error_json = ?, handle_id = COALESCE(?, handle_id), correlation_id = COALESCE(?, correlation_id),
       updated_at = ?, next_attempt_at = ?, attempt_log_json = COALESCE(?, attempt_log_json), attempts = attempts - ?,
       owner_pid = CASE WHEN origin = 'live' THEN owner_pid END, owner_start = CASE WHEN origin = 'live' THEN owner_start END,
       owner_instance = CASE WHEN origin = 'live' THEN owner_instance END, owner_boot = CASE WHEN origin = 'live' THEN owner_boot END
     WHERE id = ? AND state = 'sending' AND owner_instance = ?`,
  );
  const adoptRow = db.prepare(
    `UPDATE outbox SET origin = 'queued', owner_pid = NULL, owner_start = NULL, owner_instance = NULL, owner_boot = NULL, updated_at = ?
     WHERE id = ? AND origin = 'live' AND state = 'queued' AND owner_instance = ?`,
  );
  const requeueRow = db.prepare(
    `UPDATE outbox SET state = 'queued', origin = 'queued', next_attempt_at = NULL, owner_pid = NULL, owner_start = NULL, owner_instance = NULL,
       owner_boot = NULL, updated_at = ? WHERE id = ? AND state IN ('failed', 'outcome-unknown')`,
  );
  const deleteRow = db.prepare(`DELETE FROM outbox WHERE id = ? AND state <> 'sending'`);
  const reassignRow = db.prepare(
    `UPDATE outbox SET profile_id = ?, profile_name = ?, last_error_json = NULL, next_attempt_at = NULL, updated_at = ?
     WHERE id = ? AND state = 'queued' AND origin = 'queued'`,
  );

  let flushing = false;

  /**
   * The counts are told after every change, several times per invite of a send: they are
   * counted once, then moved along by this store's own changes (`shift`), and counted again
   * when another connection changed the file or a change was not one `shift` follows.
   */
  let known: { counts: OutboxCounts; version: number } | null = null;

  function counts(): OutboxCounts {
    const version = (dataVersion.get() as { data_version: number }).data_version;
    if (known === null || known.version !== version) {
      const result = Object.fromEntries(outboxStates.map((state) => [state, 0])) as OutboxCounts;
      for (const row of countRows.all() as { state: OutboxState; n: number }[]) result[row.state] = row.n;
      known = { counts: result, version };
    }
    return { ...known.counts };
  }

  /** A row of this store went from one counted state to another; null is "not counted" (absent, or a live send's unattempted invite). */
  function shift(from: OutboxState | null, to: OutboxState | null, rows = 1): void {
    if (known === null) return;
    if (from !== null) known.counts[from] -= rows;
    if (to !== null) known.counts[to] += rows;
  }

  /** How a row in this state and origin is counted. */
  const counted = (state: OutboxState, origin: string): OutboxState | null => (origin === 'live' && state === 'queued' ? null : state);

  /** Set while `together` runs: the writes inside tell onChange once, after their commit. */
  let joint: { changed: boolean } | null = null;

  function changed(): void {
    if (joint !== null) joint.changed = true;
    else options.onChange?.(counts());
  }

  /** Reads one row back, or throws STORAGE saying what is wrong with it. */
  function toItem(row: OutboxRow): OutboxItem {
    try {
      const request = parseJsonColumn(row.request_json, 'request');
      const checked = storedRowSchema.safeParse({
        kind: row.kind,
        state: row.state,
        origin: row.origin,
        lastError: parseJsonColumn(row.last_error_json, 'last error'),
        attemptLog: parseJsonColumn(row.attempt_log_json, 'attempt log'),
      });
      if (!checked.success) throw new HandleStudioError('STORAGE', validationError(checked.error).message);
      const { kind, state, origin, lastError, attemptLog } = checked.data;
      return {
        id: row.id,
        createdAt: new Date(row.created_at).toISOString(),
        profileId: row.profile_id,
        ...(row.profile_name === null ? {} : { profileName: row.profile_name }),
        kind,
        request,
        ...(row.invited_xuid === null ? {} : { invitedXuid: row.invited_xuid }),
        ...(row.label === null ? {} : { label: row.label }),
        state,
        attempts: row.attempts,
        ...(lastError === undefined ? {} : { lastError }),
        ...(row.handle_id === null ? {} : { handleId: row.handle_id }),
        ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
        updatedAt: new Date(row.updated_at).toISOString(),
        origin,
        ...(row.next_attempt_at === null || state !== 'queued' ? {} : { nextAttemptAt: new Date(row.next_attempt_at).toISOString() }),
        ...(attemptLog === undefined || attemptLog.length === 0 ? {} : { attemptLog }),
      };
    } catch (thrown) {
      const reason = toAppError(thrown).message;
      throw new HandleStudioError(
        'STORAGE',
        `Outbox item ${row.id} cannot be read: ${reason}. Dismiss it (the other items are not affected).`,
        { id: row.id },
      );
    }
  }

  function get(id: string): OutboxItem {
    const row = byId.get(id) as OutboxRow | undefined;
    if (!row) throw new HandleStudioError('NOT_FOUND', `No outbox item with id ${id}: it may have been dismissed.`);
    return toItem(row);
  }

  /**
   * Rows of senders that are gone: one in flight becomes outcome-unknown; a live send's invite
   * it never attempted is dropped (nobody asked to queue it). Rows of running owners stay.
   */
  function reclaimAbandoned(): { interrupted: number; dropped: number } {
    const found = { interrupted: 0, dropped: 0 };
    const marked: string[] = [];
    const abandonedError = JSON.stringify({ code: 'OUTCOME_UNKNOWN', message: ABANDONED_MESSAGE } satisfies AppError);
    const unconfirmedError = JSON.stringify({ code: 'OUTCOME_UNKNOWN', message: UNCONFIRMED_MESSAGE } satisfies AppError);
    for (const row of ownedRows.all() as unknown as Pick<
      OutboxRow,
      'id' | 'state' | 'owner_pid' | 'owner_start' | 'owner_instance' | 'owner_boot'
    >[]) {
      if (ownerIsAlive({ pid: row.owner_pid, start: row.owner_start, instance: row.owner_instance })) continue;
      options.beforeMarkingAbandoned?.(row.id);
      let interrupted = 0;
      if (row.state === 'sending') interrupted = Number(markAbandoned.run(now(), abandonedError, row.id, row.owner_instance).changes);
      // An earlier boot: its claim may be what a power cut lost (see the top of this file).
      else if (row.owner_boot !== null && row.owner_boot !== owner.boot)
        interrupted = Number(markUnconfirmed.run(now(), unconfirmedError, row.id, row.owner_instance).changes);
      else found.dropped += Number(dropAbandoned.run(row.id, row.owner_instance).changes);
      found.interrupted += interrupted;
      if (interrupted === 1) marked.push(row.id);
    }
    // A row that cannot be read back stays listed as damaged (see damaged()); the others are told.
    const readable = marked.flatMap((id) => {
      try {
        return [get(id)];
      } catch {
        return [];
      }
    });
    if (readable.length > 0) options.onInterrupted?.(readable);
    if (found.interrupted + found.dropped > 0) {
      known = null;
      changed();
    }
    return found;
  }

  const atOpen = reclaimAbandoned();
  const status: OutboxStoreStatus = {
    interruptedAtOpen: atOpen.interrupted,
    droppedAtOpen: atOpen.dropped,
    ...(opened.damagedFileMovedTo ? { damagedFileMovedTo: opened.damagedFileMovedTo } : {}),
  };

  /** When a queued item may be tried again after this outcome; null = whenever the next flush runs. */
  function nextAttemptAfter(
    outcome: Extract<z.output<typeof deliveryOutcomeSchema>, { result: 'retry-later' }>,
    earlierAttempts: number,
  ): number | null {
    if (outcome.retryAt !== undefined) return Date.parse(outcome.retryAt);
    if (outcome.paused === true) return null;
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** Math.min(earlierAttempts, 16));
    // Jitter: processes and profiles that went offline together do not all come back at once.
    return now() + Math.round(step * (0.5 + random() / 2));
  }

  /** Writes an attempt's result; false when the row is not this store's to settle (any more). */
  function record(row: SettledRow, outcome: z.output<typeof deliveryOutcomeSchema>): boolean {
    const state: OutboxState = outcome.result === 'retry-later' ? 'queued' : outcome.result;
    const error = outcome.result === 'sent' ? null : JSON.stringify({ code: outcome.error.code, message: outcome.error.message });
    let nextAttemptAt: number | null = null;
    let attemptLog: string | null = null;
    // Paused before any call (no token, profile missing, a cancelled wait): nothing was tried.
    const notTried = outcome.result === 'retry-later' && outcome.paused === true && outcome.status === undefined;
    if (outcome.result === 'retry-later' && !notTried) {
      const earlier = (parseJsonColumn(row.attempt_log_json, 'attempt log') as OutboxAttempt[] | undefined) ?? [];
      const attempt: OutboxAttempt = {
        at: new Date(now()).toISOString(),
        code: outcome.error.code,
        message: outcome.error.message,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
      };
      attemptLog = JSON.stringify([...earlier, attempt].slice(-ATTEMPT_LOG_MAX));
      nextAttemptAt = nextAttemptAfter(outcome, earlier.length);
    }
    const changes = written(() =>
      recordResult.run(
        state,
        error,
        outcome.result === 'sent' ? (outcome.handleId ?? null) : null,
        outcome.result === 'retry-later' ? null : (outcome.correlationId ?? null),
        now(),
        nextAttemptAt,
        attemptLog,
        notTried ? 1 : 0,
        row.id,
        instance,
      ),
    ).changes;
    if (Number(changes) !== 1) return false;
    shift('sending', counted(state, row.origin));
    return true;
  }

  /** Says which result could not be kept, so it is shown instead of lost. */
  function unsettledWarning(id: string, outcome: z.output<typeof deliveryOutcomeSchema>): AppError {
    const current = (stateOf.get(id) as { state: string } | undefined)?.state ?? 'gone (dismissed)';
    const result =
      outcome.result === 'sent'
        ? `MPSD accepted it${outcome.handleId ? ` (handle ${outcome.handleId})` : ''}`
        : `its result was ${outcome.result} (${outcome.error.code}: ${outcome.error.message})`;
    return {
      code: 'CONFLICT',
      message: `Outbox item ${id}: ${result}, but the item is ${current} now and no longer being sent by this process (another process may have marked it), so this result could not be recorded there. Note it before sending the item again.`,
      details: { id },
    };
  }

  async function attempt(item: OutboxItem, deliver: Deliver, signal: AbortSignal) {
    try {
      const answer = await deliver(item, signal);
      const parsed = deliveryOutcomeSchema.safeParse(answer);
      if (parsed.success) return parsed.data;
      return {
        result: 'outcome-unknown' as const,
        error: {
          code: 'INTERNAL' as const,
          message: 'The sender gave an answer the outbox does not understand; the request may have gone out.',
        },
      };
    } catch (thrown) {
      // A throw from deliver does not say whether the request left the machine.
      const error = toAppError(thrown);
      return { result: 'outcome-unknown' as const, error: { code: error.code, message: error.message } };
    }
  }

  function claim(id: string): boolean {
    const found = stateOf.get(id) as { state: OutboxState; origin: string } | undefined;
    if (found?.state !== 'queued') return false;
    // A queued item's claim must survive a power cut (or it would be sent again); a live invite's need not (see the top of this file).
    // SQLite cannot raise a transaction's safety level once it has begun, so that fsynced claim is a commit of its own.
    if (joint !== null && found.origin !== 'live') {
      throw new HandleStudioError(
        'INTERNAL',
        `Outbox item ${id} is a queued item: its claim is fsynced on its own, never inside together().`,
      );
    }
    const mark = () => markSending.run(now(), owner.pid, owner.start, owner.instance, owner.boot, id);
    if (Number(written(() => (found.origin === 'live' ? mark() : durably(mark))).changes) !== 1) return false;
    shift(counted('queued', found.origin), 'sending');
    changed();
    return true;
  }

  /** Whether a queued item may be tried now: the background flusher waits out backoff; nobody calls MPSD before the time it asked for. */
  function isDue(row: OutboxRow, item: OutboxItem, dueOnly: boolean): boolean {
    if (row.next_attempt_at === null || row.next_attempt_at <= now()) return true;
    return !dueOnly && item.lastError?.code !== 'THROTTLED';
  }

  return {
    status,

    enqueue(rawItems, enqueueOptions = {}) {
      const live = enqueueOptions.origin === 'live';
      const items = rawItems.map((raw, index) => {
        const item = parseItemPart(newOutboxItemSchema, raw, `Outbox item ${index + 1}`);
        // A live send's requests are the app's own wires, built from a request parsed where it came
        // in; parsing each again cost more than the journal's commit (bench/send-path.ts). Nothing
        // is sent from the outbox unparsed: a flush parses every stored request first, including a
        // live one the user kept queued.
        const request = live ? item.request : parseItemPart(options.requestSchema, item.request, `Outbox item ${index + 1}, its request`);
        if (typeof request === 'object' && request !== null) assertNoCredentials(request as Record<string, unknown>, 'outbox');
        const json = JSON.stringify(request);
        if (json.length > REQUEST_JSON_MAX) {
          throw new HandleStudioError('VALIDATION', `Outbox item ${index + 1}: the request is larger than ${REQUEST_JSON_MAX / 1024} KiB.`);
        }
        return { ...item, request, json };
      });
      const writtenAt: number[] = [];
      const ids = written(() =>
        durably(() =>
          inTransaction(db, () =>
            items.map((item) => {
              const id = randomUUID();
              const at = now();
              writtenAt.push(at);
              insert.run(
                id,
                at,
                item.profileId,
                item.kind,
                item.json,
                item.invitedXuid ?? null,
                item.label ?? null,
                at,
                live ? 'live' : 'queued',
                live ? owner.pid : null,
                live ? owner.start : null,
                live ? owner.instance : null,
                live ? owner.boot : null,
                options.profileNameOf?.(item.profileId) ?? null,
              );
              return id;
            }),
          ),
        ),
      );
      if (!live) shift(null, 'queued', ids.length);
      changed();
      // The rows as written, without reading each back.
      return items.map(({ json: _json, ...item }, index): OutboxItem => {
        const id = ids[index]!;
        const at = new Date(writtenAt[index]!).toISOString();
        return { ...item, id, createdAt: at, updatedAt: at, state: 'queued', attempts: 0, origin: live ? 'live' : 'queued' };
      });
    },

    list(listOptions = {}) {
      reclaimAbandoned();
      const states = listOptions.states ?? outboxStates;
      const limit = listOptions.limit ?? 1000;
      const rows = db
        .prepare(`SELECT * FROM outbox WHERE ${VISIBLE} AND state IN (${states.map(() => '?').join(', ')}) ORDER BY seq LIMIT ?`)
        .all(...states, limit) as unknown as OutboxRow[];
      return rows.flatMap((row) => {
        try {
          return [toItem(row)];
        } catch {
          return [];
        }
      });
    },

    damaged() {
      const found: DamagedOutboxRow[] = [];
      for (const row of db.prepare('SELECT * FROM outbox ORDER BY seq').all() as unknown as OutboxRow[]) {
        try {
          toItem(row);
        } catch (thrown) {
          found.push({ id: row.id, problem: toAppError(thrown).message });
        }
      }
      return found;
    },

    get,
    counts,

    async flush({ deliver, signal = new AbortController().signal, onProgress, dueOnly = false }) {
      if (flushing) throw new HandleStudioError('CONFLICT', 'The outbox is already being sent; wait for it to finish.');
      flushing = true;
      const summary = { attempted: 0, sent: 0, failed: 0, retryLater: 0, outcomeUnknown: 0, cancelled: false };
      const warnings: AppError[] = [];
      try {
        reclaimAbandoned();
        // The queue as it stands now; items added during the flush wait for the next one.
        const ids = (queuedRows.all() as { id: string }[]).map((row) => row.id);
        // Offline or no token for a profile: its other items would fail the same way, so they wait.
        const waitingProfiles = new Set<string>();
        let done = 0;
        for (const id of ids) {
          if (signal.aborted) {
            summary.cancelled = true;
            break;
          }
          const row = byId.get(id) as OutboxRow | undefined;
          if (!row || row.state !== 'queued' || row.origin !== 'queued' || waitingProfiles.has(row.profile_id)) continue;
          let item: OutboxItem;
          try {
            item = toItem(row);
            const parsed = options.requestSchema.safeParse(item.request);
            if (!parsed.success)
              throw new HandleStudioError(
                'STORAGE',
                `Outbox item ${id} cannot be sent: its stored request is not valid (${validationError(parsed.error).message}). Dismiss it.`,
              );
          } catch (thrown) {
            // One damaged row must not stop the rest: it stays as it is, is named, and is skipped.
            warnings.push({ ...toAppError(thrown), details: { id } });
            continue;
          }
          if (!isDue(row, item, dueOnly)) continue;
          // The durable mark comes first: if the process dies during deliver, the next open
          // finds 'sending' with a dead owner and reports outcome-unknown instead of sending it again.
          if (!claim(id)) continue;
          summary.attempted++;
          const outcome = await attempt({ ...item, state: 'sending', attempts: item.attempts + 1 }, deliver, signal);
          if (!record({ ...row, state: 'sending' }, outcome)) warnings.push(unsettledWarning(id, outcome));
          if (outcome.result === 'sent') summary.sent++;
          else if (outcome.result === 'failed') summary.failed++;
          else if (outcome.result === 'outcome-unknown') summary.outcomeUnknown++;
          else {
            summary.retryLater++;
            waitingProfiles.add(row.profile_id);
          }
          changed();
          onProgress?.({ item: get(id), done: ++done, total: ids.length });
        }
        if (signal.aborted) summary.cancelled = true;
      } finally {
        flushing = false;
      }
      return { ...summary, counts: counts(), ...(warnings.length > 0 ? { warnings } : {}) };
    },

    claim,

    settle(id, outcome) {
      // Not parsed again: a settle's outcome is the sender's own (deliveryOutcomeOf), unlike the
      // answer of a flush's `deliver`, which attempt() checks.
      const row = toSettle.get(id) as SettledRow | undefined;
      if (row?.state !== 'sending' || !record(row, outcome)) {
        const warning = unsettledWarning(id, outcome);
        throw new HandleStudioError('CONFLICT', warning.message, warning.details);
      }
      changed();
    },

    together(work) {
      if (joint !== null) return work();
      const current = { changed: false };
      joint = current;
      try {
        return written(() => inTransaction(db, work));
      } catch (thrown) {
        // The counts were moved along by writes that were rolled back.
        known = null;
        throw thrown;
      } finally {
        joint = null;
        if (current.changed) changed();
      }
    },

    statesOf(ids) {
      const found = new Map<string, string>();
      // In slices: SQLite caps the parameters of one statement.
      for (let first = 0; first < ids.length; first += 500) {
        const slice = ids.slice(first, first + 500);
        const rows = db.prepare(`SELECT id, state FROM outbox WHERE id IN (${slice.map(() => '?').join(', ')})`).all(...slice) as {
          id: string;
          state: string;
        }[];
        for (const row of rows) found.set(row.id, row.state);
      }
      return found;
    },

    dismissAll(ids) {
      if (ids.length === 0) return 0;
      // Fsynced: one of them may be a queued item (see the top of this file); it is one commit for them all.
      const removed = written(() =>
        durably(() => inTransaction(db, () => ids.reduce((sum, id) => sum + Number(deleteRow.run(id).changes), 0))),
      );
      known = null;
      changed();
      return removed;
    },

    keepQueued(id) {
      if (Number(written(() => durably(() => adoptRow.run(now(), id, instance))).changes) !== 1) {
        throw new HandleStudioError('CONFLICT', `Outbox item ${id} is no longer a waiting invite of this send, so it was not queued.`);
      }
      shift(null, 'queued');
      changed();
    },

    requeue(id) {
      const item = get(id);
      if (Number(written(() => durably(() => requeueRow.run(now(), id))).changes) !== 1) {
        throw new HandleStudioError('CONFLICT', `Only a failed or outcome-unknown item can be queued again; this one is ${item.state}.`);
      }
      shift(counted(item.state, item.origin ?? 'queued'), 'queued');
      changed();
      return get(id);
    },

    dismiss(id) {
      // Read the state alone: a damaged row must still be removable.
      const found = stateOf.get(id) as { state: string; origin: string } | undefined;
      if (!found) throw new HandleStudioError('NOT_FOUND', `No outbox item with id ${id}: it may have been dismissed.`);
      // A queued item whose dismissal a power cut lost would be sent: fsynced. Other rows come back at worst as they were.
      const remove = () => deleteRow.run(id);
      if (Number(written(() => (found.state === 'queued' && found.origin === 'queued' ? durably(remove) : remove())).changes) !== 1) {
        throw new HandleStudioError('CONFLICT', `This item is ${found.state} right now; wait for the attempt to finish, then dismiss it.`);
      }
      // A damaged row's state may be one the counts do not know: count again.
      if ((outboxStates as readonly string[]).includes(found.state)) shift(counted(found.state as OutboxState, found.origin), null);
      else known = null;
      changed();
    },

    reassign(ids, profile) {
      const moved = written(() =>
        durably(() =>
          inTransaction(db, () => {
            for (const id of ids) {
              if (Number(reassignRow.run(profile.id, profile.name, now(), id).changes) === 1) continue;
              const found = stateOf.get(id) as { state: string; origin: string } | undefined;
              if (!found) throw new HandleStudioError('NOT_FOUND', `No outbox item with id ${id}: it may have been dismissed.`);
              // Thrown inside the transaction: none of the items moves.
              throw new HandleStudioError(
                'CONFLICT',
                found.state === 'queued'
                  ? `Outbox item ${id} belongs to a send running now, not to the queue, so it was not moved; nothing was.`
                  : `Outbox item ${id} is ${found.state}, so it was not moved; nothing was. Only a queued item can be sent as another profile: one being sent or whose outcome is unknown may have gone out already (check History or the recipient).`,
                { id },
              );
            }
            return ids.map((id) => get(id));
          }),
        ),
      );
      changed();
      return moved;
    },

    close() {
      releaseOwner(instance);
      if (db.isOpen) db.close();
    },
  };
}
