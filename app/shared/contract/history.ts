/**
 * The history channels: every request the app sent, listed newest first with keyset
 * pagination, searched, exported, and pruned by a retention rule. Entries never hold a
 * token: the request is stored with its Authorization value masked.
 */
import * as z from '../zod.ts';
import { errorCodes } from '../errors.ts';
import { historyOutcomes } from '../history/outcomes.ts';
import { retentionSchema } from '../history/retention.ts';
import { UNRECOGNIZED } from '../history/unrecognized.ts';
import { recordedKinds } from '../recorded-kinds.ts';
import { channel, event } from './define.ts';

export { historyOutcomes, type HistoryOutcome } from '../history/outcomes.ts';

const ID_MAX = 64;
const TEXT_MAX = 200;

const isoTime = z.iso.datetime({
  offset: true,
  error: 'Time must be an ISO-8601 date and time, e.g. 2026-03-01T12:00:00Z.',
});

/** Which entries to list or export. All parts are optional and combine with AND. */
export const historyFilterSchema = z.strictObject({
  kinds: z.optional(
    z
      .array(z.enum(recordedKinds, { error: `Kind must be one of: ${recordedKinds.join(', ')}.` }))
      .check(z.maxLength(recordedKinds.length, { error: 'Give each kind at most once.' })),
  ),
  status: z.optional(z.enum(historyOutcomes, { error: 'Status must be ok, error or outcome-unknown.' })),
  profileId: z.optional(z.string().check(z.maxLength(ID_MAX, { error: `Profile id is at most ${ID_MAX} characters.` }))),
  from: z.optional(isoTime),
  to: z.optional(isoTime),
  search: z.optional(z.string().check(z.trim(), z.maxLength(TEXT_MAX, { error: `Search text is at most ${TEXT_MAX} characters.` }))),
});
export type HistoryFilter = z.output<typeof historyFilterSchema>;

export const historyListInputSchema = z.extend(historyFilterSchema, {
  cursor: z.optional(
    z.string().check(z.regex(/^[0-9]{1,16}:[0-9]{1,16}$/, { error: 'Cursor must be the nextCursor value a previous page returned.' })),
  ),
  limit: z
    .number()
    .check(
      z.int({ error: 'Limit must be a whole number.' }),
      z.gte(1, { error: 'Limit must be at least 1.' }),
      z.lte(500, { error: 'Limit is at most 500 entries a page.' }),
    ),
});
export type HistoryListInput = z.output<typeof historyListInputSchema>;

/** One attempt that did not settle the request (offline, throttled, token refused); `status` when MPSD answered. */
export const historyAttemptSchema = z.object({
  at: z.string(),
  code: z.enum(errorCodes),
  message: z.string(),
  status: z.optional(z.number().check(z.int())),
});

/**
 * UNRECOGNIZED stands in for a stored kind, outcome or error code this build does not know: a
 * newer build wrote it (MPA's kinds came without a schema change, so an older build meets them),
 * or the row is damaged. The row is still listed, its stored text kept in `unrecognized`, so one
 * such row neither disappears nor makes the rest of history unreadable.
 */
const unrecognized = z.literal(UNRECOGNIZED);

/** One row of the history list: what the table shows, without request and response bodies. */
export const historySummarySchema = z.object({
  id: z.string(),
  at: z.string(),
  profileId: z.string(),
  profileName: z.string(),
  sandbox: z.string(),
  kind: z.union([z.enum(recordedKinds), unrecognized]),
  scid: z.optional(z.string()),
  templateName: z.optional(z.string()),
  sessionName: z.optional(z.string()),
  invitedXuid: z.optional(z.string()),
  /** An MPA invite is one call for up to 16 invitees: one entry naming each of them. */
  invitedXuids: z.optional(z.array(z.string())),
  recipientLabel: z.optional(z.string()),
  method: z.string(),
  url: z.string(),
  status: z.optional(z.number()),
  outcome: z.union([z.enum(historyOutcomes), unrecognized]),
  correlationId: z.optional(z.string()),
  handleId: z.optional(z.string()),
  durationMs: z.number(),
  errorCode: z.optional(z.union([z.enum(errorCodes), unrecognized])),
  errorMessage: z.optional(z.string()),
  /** The stored text of each value shown as UNRECOGNIZED. */
  unrecognized: z.optional(z.object({ kind: z.optional(z.string()), outcome: z.optional(z.string()), errorCode: z.optional(z.string()) })),
});
export type HistorySummary = z.output<typeof historySummarySchema>;

/** The whole entry: the masked request as sent and the (capped) response. */
export const historyEntrySchema = z.extend(historySummarySchema, {
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.optional(z.string()),
  }),
  responseHeaders: z.optional(z.record(z.string(), z.string())),
  responseBody: z.optional(z.string()),
  /** True when the response body was longer than the cap and was cut. */
  responseTruncated: z.boolean(),
  /** Earlier attempts of an outbox item that went back to the queue before this outcome, oldest first. */
  attempts: z.optional(z.array(historyAttemptSchema)),
  /**
   * Only in a JSON export: the stored text of each part that cannot be read (a damaged row), the
   * rest of the entry as read (a damaged request as its method and URL). Opening such an entry
   * is STORAGE naming it; an export writes it with its damage marked, as CSV (which needs none
   * of these parts) does.
   */
  damaged: z.optional(
    z.object({ request: z.optional(z.string()), responseHeaders: z.optional(z.string()), attempts: z.optional(z.string()) }),
  ),
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export const historyPageSchema = z.object({
  entries: z.array(historySummarySchema),
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor: z.optional(z.string()),
});
export type HistoryPage = z.output<typeof historyPageSchema>;

export { retentionSchema, type Retention } from '../history/retention.ts';

/**
 * Where an export went. The text itself never crosses the bridge (100,000 entries would be
 * held whole in both processes): in the app, main writes the file the user chose; in browser
 * mode the page downloads it from a one-use link the host streams it from.
 */
export const historyExportSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('saved'), path: z.string(), count: z.number() }),
  z.object({ outcome: z.literal('cancelled') }),
  z.object({ outcome: z.literal('download'), url: z.string(), fileName: z.string() }),
]);

export const historyChannels = {
  listHistory: channel(historyListInputSchema, historyPageSchema, 'One page of history, newest first, filtered and searched.'),
  getHistoryEntry: channel(
    z.strictObject({ id: z.string().check(z.minLength(1, { error: 'History entry id is required.' }), z.maxLength(ID_MAX)) }),
    historyEntrySchema,
    'One history entry with its masked request and capped response.',
  ),
  exportHistory: channel(
    z.strictObject({
      format: z.enum(['csv', 'json'], { error: 'Export format must be csv or json.' }),
      filter: historyFilterSchema,
    }),
    historyExportSchema,
    'Exports the filtered history as CSV (spreadsheet-safe) or JSON, without tokens: to a file the user picks, or as a download.',
  ),
  getHistoryRetention: channel(z.strictObject({}), retentionSchema, 'The retention rule history is pruned by.'),
  setHistoryRetention: channel(
    retentionSchema,
    z.object({ retention: retentionSchema, removed: z.number() }),
    'Change the retention rule and prune now; answers how many entries were removed.',
  ),
} as const;

export const historyEvents = {
  historyAppended: event(historySummarySchema, 'A request was recorded in history.'),
} as const;
