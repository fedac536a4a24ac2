/**
 * The outbox: a durable queue of wire requests that could not go out. One item per wire
 * request, so an invite to three people is three items and each is tracked exactly once.
 *
 * The state machine, and why it is safe against a crash at any point:
 *   queued → sending   committed (fsync) BEFORE the request is handed to `deliver`
 *   sending → sent | failed | queued (retry later) | outcome-unknown, committed AFTER
 *   sending at open → outcome-unknown: the app died mid-attempt, so the request may or may
 *   not have reached MPSD; resending could invite someone twice, so only the user decides
 *   (`requeue` or `dismiss`).
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import type { OutboxCounts, OutboxFlushSummary, OutboxItem, OutboxState } from '../../shared/contract/outbox.ts';
import { outboxStates } from '../../shared/contract/outbox.ts';
import type { AppError } from '../../shared/errors.ts';
import { errorCodes, HandleStudioError, toAppError } from '../../shared/errors.ts';
import { xuidSchema } from '../../shared/mpsd/ids.ts';
import type { RequestKind } from '../../shared/mpsd/wire.ts';
import { requestKinds } from '../../shared/mpsd/wire.ts';
import { validationError } from '../../shared/validation.ts';
import { assertNoCredentials } from '../storage/credential-guard.ts';
import { inTransaction } from '../storage/sqlite-file.ts';
import { openOutboxFile } from './outbox-file.ts';

/** A request JSON larger than this is refused: nothing MPSD takes comes close. */
const REQUEST_JSON_MAX = 256 * 1024;

const appErrorInputSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string().max(2000),
});

/** What `deliver` answers for one item. */
export const deliveryOutcomeSchema = z.discriminatedUnion('result', [
  z.object({ result: z.literal('sent'), handleId: z.string().max(64).optional(), correlationId: z.string().max(200).optional() }),
  z.object({ result: z.literal('failed'), error: appErrorInputSchema, correlationId: z.string().max(200).optional() }),
  /** Nothing went out (offline, no valid token): the item goes back to the queue. */
  z.object({ result: z.literal('retry-later'), error: appErrorInputSchema }),
  /** It may have reached MPSD (timeout after sending, connection dropped): never resent automatically. */
  z.object({ result: z.literal('outcome-unknown'), error: appErrorInputSchema, correlationId: z.string().max(200).optional() }),
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
  /** Stops the flush before the next item; the item in flight is finished and recorded. */
  signal?: AbortSignal;
  onProgress?: (progress: FlushProgress) => void;
}

export interface OutboxStoreStatus {
  /** Set when outbox.sqlite could not be read and was moved aside. */
  damagedFileMovedTo?: string;
  /** How many items were found mid-send at open and marked outcome-unknown. */
  interruptedAtOpen: number;
}

export interface OutboxStore {
  readonly status: OutboxStoreStatus;
  /** Adds items (all or none) in the given order, each 'queued'. */
  enqueue(items: readonly NewOutboxItem[]): OutboxItem[];
  /** Items oldest first, optionally only some states. */
  list(options?: { states?: readonly OutboxState[]; limit?: number }): OutboxItem[];
  get(id: string): OutboxItem;
  counts(): OutboxCounts;
  /** Sends every queued item, one at a time, oldest first. Only one flush runs at a time (CONFLICT otherwise). */
  flush(options: FlushOptions): Promise<OutboxFlushSummary>;
  /**
   * Durably marks one queued item 'sending' before its attempt, for a sender other than
   * flush (a live fan-out journals its invites here). Answers null when the item is no longer
   * queued (another sender claimed it first), so two senders can never both send it.
   */
  claim(id: string): OutboxItem | null;
  /** Records the result of a claimed item's attempt (as flush does after deliver). */
  settle(id: string, outcome: DeliveryOutcome): OutboxItem;
  /** Puts a failed or outcome-unknown item back in the queue: the user chose to send it again. */
  requeue(id: string): OutboxItem;
  /** Removes an item that is not being sent right now. */
  dismiss(id: string): void;
  close(): void;
}

export interface OpenOutboxOptions {
  dataDir: string;
  /** Validates each item's request JSON (the app passes its wire-request schema). */
  requestSchema: z.ZodType;
  /** Told the counts after every change (main forwards it as the outboxChanged event). */
  onChange?: (counts: OutboxCounts) => void;
  now?: () => number;
}

export const newOutboxItemSchema = z.strictObject({
  profileId: z.string().min(1, { error: 'An outbox item needs the profile that will send it.' }).max(64),
  kind: z.enum(requestKinds, { error: `Outbox item kind must be one of: ${requestKinds.join(', ')}.` }),
  request: z.unknown(),
  invitedXuid: xuidSchema.optional(),
  label: z.string().max(100, { error: 'A recipient label is at most 100 characters.' }).optional(),
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
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    profileId: row.profile_id,
    kind: row.kind as RequestKind,
    request: JSON.parse(row.request_json) as unknown,
    invitedXuid: row.invited_xuid ?? undefined,
    label: row.label ?? undefined,
    state: row.state as OutboxState,
    attempts: row.attempts,
    lastError: row.last_error_json ? (JSON.parse(row.last_error_json) as AppError) : undefined,
    handleId: row.handle_id ?? undefined,
    correlationId: row.correlation_id ?? undefined,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Parses one part of a batch item, naming the item in the message so the caller knows which one to fix. */
function parseItemPart<S extends z.ZodType>(schema: S, value: unknown, which: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const error = validationError(parsed.error);
  throw new HandleStudioError('VALIDATION', `${which}: ${error.message}`, error.details);
}

/** Opens the outbox; items left 'sending' by a process that died are marked outcome-unknown here. */
export function openOutboxStore(options: OpenOutboxOptions): OutboxStore {
  const opened = openOutboxFile(options.dataDir, 'FULL');
  const db: DatabaseSync = opened.db;
  const now = options.now ?? Date.now;

  const interrupted = db
    .prepare(
      `UPDATE outbox SET state = 'outcome-unknown', updated_at = ?, last_error_json = ? WHERE state = 'sending'`,
    )
    .run(
      now(),
      JSON.stringify({
        code: 'OUTCOME_UNKNOWN',
        message:
          'Handle Studio stopped while this request was being sent, so it may or may not have reached Xbox Live. Check before sending it again.',
      } satisfies AppError),
    );
  const status: OutboxStoreStatus = {
    interruptedAtOpen: Number(interrupted.changes),
    ...(opened.damagedFileMovedTo ? { damagedFileMovedTo: opened.damagedFileMovedTo } : {}),
  };

  const insert = db.prepare(
    `INSERT INTO outbox (id, created_at, profile_id, kind, request_json, invited_xuid, label, state, attempts, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?)`,
  );
  const byId = db.prepare('SELECT * FROM outbox WHERE id = ?');
  const countRows = db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state');
  const queuedIds = db.prepare(`SELECT id FROM outbox WHERE state = 'queued' ORDER BY seq`);
  const markSending = db.prepare(
    `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued'`,
  );
  const recordResult = db.prepare(
    `UPDATE outbox SET state = ?, last_error_json = ?, handle_id = COALESCE(?, handle_id),
       correlation_id = COALESCE(?, correlation_id), updated_at = ? WHERE id = ? AND state = 'sending'`,
  );
  const requeueRow = db.prepare(
    `UPDATE outbox SET state = 'queued', updated_at = ? WHERE id = ? AND state IN ('failed', 'outcome-unknown')`,
  );
  const deleteRow = db.prepare(`DELETE FROM outbox WHERE id = ? AND state <> 'sending'`);

  let flushing = false;

  function counts(): OutboxCounts {
    const result = Object.fromEntries(outboxStates.map((state) => [state, 0])) as OutboxCounts;
    for (const row of countRows.all() as { state: OutboxState; n: number }[]) result[row.state] = row.n;
    return result;
  }

  function changed(): void {
    options.onChange?.(counts());
  }

  function get(id: string): OutboxItem {
    const row = byId.get(id) as OutboxRow | undefined;
    if (!row) throw new HandleStudioError('NOT_FOUND', `No outbox item with id ${id}: it may have been dismissed.`);
    return toItem(row);
  }

  function record(id: string, outcome: z.output<typeof deliveryOutcomeSchema>): void {
    const state: OutboxState = outcome.result === 'retry-later' ? 'queued' : outcome.result;
    const error = outcome.result === 'sent' ? null : JSON.stringify({ code: outcome.error.code, message: outcome.error.message });
    recordResult.run(
      state,
      error,
      outcome.result === 'sent' ? (outcome.handleId ?? null) : null,
      outcome.result === 'retry-later' ? null : (outcome.correlationId ?? null),
      now(),
      id,
    );
  }

  async function attempt(item: OutboxItem, deliver: Deliver, signal: AbortSignal) {
    try {
      const answer = await deliver(item, signal);
      const parsed = deliveryOutcomeSchema.safeParse(answer);
      if (parsed.success) return parsed.data;
      return {
        result: 'outcome-unknown' as const,
        error: { code: 'INTERNAL' as const, message: 'The sender gave an answer the outbox does not understand; the request may have gone out.' },
      };
    } catch (thrown) {
      // A throw from deliver does not say whether the request left the machine.
      const error = toAppError(thrown);
      return { result: 'outcome-unknown' as const, error: { code: error.code, message: error.message } };
    }
  }

  function claim(id: string): OutboxItem | null {
    if (Number(markSending.run(now(), id).changes) !== 1) return null;
    changed();
    return get(id);
  }

  if (status.interruptedAtOpen > 0) changed();

  return {
    status,

    enqueue(rawItems) {
      const items = rawItems.map((raw, index) => {
        const item = parseItemPart(newOutboxItemSchema, raw, `Outbox item ${index + 1}`);
        const request = parseItemPart(options.requestSchema, item.request, `Outbox item ${index + 1}, its request`);
        if (typeof request === 'object' && request !== null) assertNoCredentials(request as Record<string, unknown>, 'outbox');
        const json = JSON.stringify(request);
        if (json.length > REQUEST_JSON_MAX) {
          throw new HandleStudioError('VALIDATION', `Outbox item ${index + 1}: the request is larger than ${REQUEST_JSON_MAX / 1024} KiB.`);
        }
        return { ...item, json };
      });
      const ids = inTransaction(db, () =>
        items.map((item) => {
          const id = randomUUID();
          const at = now();
          insert.run(id, at, item.profileId, item.kind, item.json, item.invitedXuid ?? null, item.label ?? null, at);
          return id;
        }),
      );
      changed();
      return ids.map(get);
    },

    list(listOptions = {}) {
      const states = listOptions.states ?? outboxStates;
      const limit = listOptions.limit ?? 1000;
      const rows = db
        .prepare(`SELECT * FROM outbox WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY seq LIMIT ?`)
        .all(...states, limit) as unknown as OutboxRow[];
      return rows.map(toItem);
    },

    get,
    counts,

    async flush({ deliver, signal = new AbortController().signal, onProgress }) {
      if (flushing) throw new HandleStudioError('CONFLICT', 'The outbox is already being sent; wait for it to finish.');
      flushing = true;
      const summary = { attempted: 0, sent: 0, failed: 0, retryLater: 0, outcomeUnknown: 0, cancelled: false };
      try {
        // The queue as it stands now; items added during the flush wait for the next one.
        const ids = (queuedIds.all() as { id: string }[]).map((row) => row.id);
        // Offline or no token for a profile: its other items would fail the same way, so they wait.
        const waitingProfiles = new Set<string>();
        let done = 0;
        for (const id of ids) {
          if (signal.aborted) {
            summary.cancelled = true;
            break;
          }
          const row = byId.get(id) as OutboxRow | undefined;
          if (!row || row.state !== 'queued' || waitingProfiles.has(row.profile_id)) continue;
          // The durable mark comes first: if the process dies during deliver, the next open
          // finds 'sending' and reports outcome-unknown instead of sending it again.
          const claimed = claim(id);
          if (claimed === null) continue;
          summary.attempted++;
          const outcome = await attempt(claimed, deliver, signal);
          record(id, outcome);
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
      } finally {
        flushing = false;
      }
      return { ...summary, counts: counts() };
    },

    claim,

    settle(id, outcome) {
      const parsed = deliveryOutcomeSchema.parse(outcome);
      if (get(id).state !== 'sending') throw new HandleStudioError('CONFLICT', 'Only an item being sent can be settled.');
      record(id, parsed);
      changed();
      return get(id);
    },

    requeue(id) {
      const item = get(id);
      if (Number(requeueRow.run(now(), id).changes) !== 1) {
        throw new HandleStudioError(
          'CONFLICT',
          `Only a failed or outcome-unknown item can be queued again; this one is ${item.state}.`,
        );
      }
      changed();
      return get(id);
    },

    dismiss(id) {
      const item = get(id);
      if (Number(deleteRow.run(id).changes) !== 1) {
        throw new HandleStudioError('CONFLICT', `This item is ${item.state} right now; wait for the attempt to finish, then dismiss it.`);
      }
      changed();
    },

    close() {
      if (db.isOpen) db.close();
    },
  };
}
