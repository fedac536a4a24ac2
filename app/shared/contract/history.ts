/**
 * The history channels: every request the app sent, listed newest first with keyset
 * pagination, searched, exported, and pruned by a retention rule. Entries never hold a
 * token: the request is stored with its Authorization value masked.
 */
import { z } from 'zod';
import { errorCodes } from '../errors.ts';
import { requestKinds } from '../mpsd/wire.ts';
import { channel, event } from './define.ts';

const ID_MAX = 64;
const TEXT_MAX = 200;

/** 'ok' = a success status; 'error' = anything else; 'outcome-unknown' = a write that may or may not have landed. */
export const historyOutcomes = ['ok', 'error', 'outcome-unknown'] as const;
export type HistoryOutcome = (typeof historyOutcomes)[number];

const isoTime = z.iso.datetime({
  offset: true,
  error: 'Time must be an ISO-8601 date and time, e.g. 2026-03-01T12:00:00Z.',
});

/** Which entries to list or export. All parts are optional and combine with AND. */
export const historyFilterSchema = z.strictObject({
  kinds: z
    .array(z.enum(requestKinds, { error: `Kind must be one of: ${requestKinds.join(', ')}.` }))
    .max(requestKinds.length, { error: 'Give each kind at most once.' })
    .optional(),
  status: z.enum(historyOutcomes, { error: 'Status must be ok, error or outcome-unknown.' }).optional(),
  profileId: z.string().max(ID_MAX, { error: `Profile id is at most ${ID_MAX} characters.` }).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  search: z
    .string()
    .trim()
    .max(TEXT_MAX, { error: `Search text is at most ${TEXT_MAX} characters.` })
    .optional(),
});
export type HistoryFilter = z.output<typeof historyFilterSchema>;

export const historyListInputSchema = historyFilterSchema.extend({
  cursor: z
    .string()
    .regex(/^[0-9]{1,16}:[0-9]{1,16}$/, { error: 'Cursor must be the nextCursor value a previous page returned.' })
    .optional(),
  limit: z
    .number()
    .int({ error: 'Limit must be a whole number.' })
    .min(1, { error: 'Limit must be at least 1.' })
    .max(500, { error: 'Limit is at most 500 entries a page.' }),
});
export type HistoryListInput = z.output<typeof historyListInputSchema>;

/** One attempt that did not settle the request (offline, throttled, token refused); `status` when MPSD answered. */
export const historyAttemptSchema = z.object({
  at: z.string(),
  code: z.enum(errorCodes),
  message: z.string(),
  status: z.number().int().optional(),
});

/** One row of the history list: what the table shows, without request and response bodies. */
export const historySummarySchema = z.object({
  id: z.string(),
  at: z.string(),
  profileId: z.string(),
  profileName: z.string(),
  sandbox: z.string(),
  kind: z.enum(requestKinds),
  scid: z.string().optional(),
  templateName: z.string().optional(),
  sessionName: z.string().optional(),
  invitedXuid: z.string().optional(),
  recipientLabel: z.string().optional(),
  method: z.string(),
  url: z.string(),
  status: z.number().optional(),
  outcome: z.enum(historyOutcomes),
  correlationId: z.string().optional(),
  handleId: z.string().optional(),
  durationMs: z.number(),
  errorCode: z.enum(errorCodes).optional(),
  errorMessage: z.string().optional(),
});
export type HistorySummary = z.output<typeof historySummarySchema>;

/** The whole entry: the masked request as sent and the (capped) response. */
export const historyEntrySchema = historySummarySchema.extend({
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
  }),
  responseHeaders: z.record(z.string(), z.string()).optional(),
  responseBody: z.string().optional(),
  /** True when the response body was longer than the cap and was cut. */
  responseTruncated: z.boolean(),
  /** Earlier attempts of an outbox item that went back to the queue before this outcome, oldest first. */
  attempts: z.array(historyAttemptSchema).optional(),
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export const historyPageSchema = z.object({
  entries: z.array(historySummarySchema),
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor: z.string().optional(),
});
export type HistoryPage = z.output<typeof historyPageSchema>;

/**
 * Which entries history keeps; absent parts set no limit. One entry is the least a count
 * may keep: a tester clearing out noise may want only the last few, and setting the rule
 * says how many it removed.
 */
export const retentionSchema = z.strictObject({
  maxEntries: z
    .number({ error: 'Keep-at-most must be a whole number of entries.' })
    .int({ error: 'Keep-at-most must be a whole number of entries.' })
    .min(1, { error: 'Keep at least 1 entry (or leave the limit empty for no limit).' })
    .max(10_000_000, { error: 'Keep-at-most is at most 10,000,000 entries.' })
    .optional(),
  maxAgeDays: z
    .number({ error: 'Keep-for must be a whole number of days.' })
    .int({ error: 'Keep-for must be a whole number of days.' })
    .min(1, { error: 'Keep entries for at least 1 day (or leave it empty for no limit).' })
    .max(3650, { error: 'Keep-for is at most 3650 days.' })
    .optional(),
});
export type Retention = z.output<typeof retentionSchema>;

export const historyExportSchema = z.object({
  fileName: z.string(),
  mediaType: z.string(),
  content: z.string(),
  count: z.number(),
});

export const historyChannels = {
  listHistory: channel(historyListInputSchema, historyPageSchema, 'One page of history, newest first, filtered and searched.'),
  getHistoryEntry: channel(
    z.strictObject({ id: z.string().min(1, { error: 'History entry id is required.' }).max(ID_MAX) }),
    historyEntrySchema,
    'One history entry with its masked request and capped response.',
  ),
  exportHistory: channel(
    z.strictObject({
      format: z.enum(['csv', 'json'], { error: 'Export format must be csv or json.' }),
      filter: historyFilterSchema,
    }),
    historyExportSchema,
    'The filtered history as CSV (spreadsheet-safe) or JSON, without tokens.',
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
