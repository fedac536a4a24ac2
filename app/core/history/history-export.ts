/**
 * History as files a person opens elsewhere: CSV for spreadsheets, JSON for tools.
 * Neither carries a token: requests are stored masked, and that is what is exported.
 *
 * An export streams: it reads history a page at a time (HistoryStore.pages) and writes each
 * page before reading the next, so 100,000 entries cost the memory of one page, not of the
 * whole file (issue 12). A file is written beside its destination under a temporary name and
 * renamed into place only once complete, so a failed or cancelled export never leaves a half
 * file that looks whole.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { historyFilterSchema, type HistoryFilter, type HistorySummary } from '../../shared/contract/history.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import { withoutCredentials } from '../storage/credential-guard.ts';
import type { HistoryStore } from './history-store.ts';

export type ExportFormat = 'csv' | 'json';

const CSV_COLUMNS: readonly [header: string, value: (entry: HistorySummary) => string | number | undefined][] = [
  ['id', (e) => e.id],
  ['time', (e) => e.at],
  ['profile', (e) => e.profileName],
  ['sandbox', (e) => e.sandbox],
  // A value this build does not know is written as it is stored (JSON keeps both: see UNRECOGNIZED).
  ['kind', (e) => e.unrecognized?.kind ?? e.kind],
  ['scid', (e) => e.scid],
  ['template', (e) => e.templateName],
  ['session', (e) => e.sessionName],
  // An MPSD invite's one XUID, or an MPA invite call's invitees (up to 16) separated by
  // spaces, as History stores them: one row per call, so one cell names everyone it invited.
  ['invitedXuid', (e) => e.invitedXuid ?? e.invitedXuids?.join(' ')],
  ['recipient', (e) => e.recipientLabel],
  ['method', (e) => e.method],
  ['url', (e) => e.url],
  ['status', (e) => e.status],
  ['outcome', (e) => e.unrecognized?.outcome ?? e.outcome],
  ['correlationId', (e) => e.correlationId],
  ['handleId', (e) => e.handleId],
  ['durationMs', (e) => e.durationMs],
  ['errorCode', (e) => e.unrecognized?.errorCode ?? e.errorCode],
  ['errorMessage', (e) => e.errorMessage],
];

/**
 * One CSV cell. Text a spreadsheet would run as a formula (starting with = + - @, or a
 * tab / carriage return that some spreadsheets strip first) gets a leading apostrophe, so
 * a recipient label or an MPSD error text cannot execute when the export is opened.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${guarded.replaceAll('"', '""')}"`;
}

/** One export of the filtered history, ready to be read once as text. */
export interface HistoryExport {
  /** A name to suggest for the file, with the time of the export. */
  readonly fileName: string;
  readonly mediaType: string;
  /**
   * The file's text, one page of entries per chunk: RFC 4180 CSV (CRLF line ends, every text
   * cell quoted, a header row) or a JSON array of whole entries, one per line.
   */
  chunks(): Generator<string>;
  /** How many entries the chunks read so far held. */
  readonly count: number;
}

/** The export of `filter` as `format`; nothing is read until its chunks are. */
export function historyExport(
  history: Pick<HistoryStore, 'pages'>,
  format: ExportFormat,
  rawFilter: HistoryFilter,
  now: number,
): HistoryExport {
  // Checked now, so a wrong filter is refused before a line is written (a CSV header included).
  const filter = parseOrThrow(historyFilterSchema, rawFilter, 'Export filter is not valid');
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  let count = 0;
  function* csv(): Generator<string> {
    yield `${CSV_COLUMNS.map(([header]) => header).join(',')}\r\n`;
    for (const page of history.pages(filter, 'summary')) {
      count += page.length;
      // Masked on the way out too: a row written before its fields were checked may hold a token.
      yield withoutCredentials(page.map((entry) => `${CSV_COLUMNS.map(([, value]) => csvCell(value(entry))).join(',')}\r\n`).join(''));
    }
  }
  function* json(): Generator<string> {
    for (const page of history.pages(filter, 'entry')) {
      // The first entry opens the array; every later one follows a comma.
      const opening = count === 0 ? '[\n' : ',\n';
      count += page.length;
      yield `${opening}${withoutCredentials(page.map((entry) => JSON.stringify(entry)).join(',\n'))}`;
    }
    yield count === 0 ? '[]\n' : '\n]\n';
  }
  return {
    fileName: `handle-studio-history-${stamp}.${format}`,
    mediaType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
    chunks: format === 'csv' ? csv : json,
    get count() {
      return count;
    },
  };
}

/**
 * Writes the chunks to `sink` as they are read, waiting whenever it asks to (its buffer is
 * full), so a slow disk or a slow download holds back the reading instead of filling memory.
 * Rejects with the sink's error (disk full, the download cancelled) and stops reading.
 */
export async function pipeExport(exported: HistoryExport, sink: Writable): Promise<void> {
  let failure: Error | undefined;
  const onError = (error: Error) => (failure ??= error);
  sink.on('error', onError);
  try {
    for (const chunk of exported.chunks()) {
      if (!sink.write(chunk)) await drained(sink);
      if (failure) throw failure;
      if (sink.destroyed) throw new Error('The destination was closed before the export was complete.');
    }
  } finally {
    sink.off('error', onError);
  }
}

/** Until `sink` can take more, or is closed (a cancelled download, a failed file). */
async function drained(sink: Writable): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([once(sink, 'drain', { signal: stop.signal }), once(sink, 'close', { signal: stop.signal })]);
  } finally {
    // The waiter that lost the race lets go of its listener.
    stop.abort();
  }
}

/**
 * Writes the export to the file `destination`: into `.<name>.<random>.partial` beside it, then
 * renamed over it once flushed, so the destination is either the whole export or untouched.
 * Any failure (a full disk, a folder that cannot be written) removes the partial file and is a
 * STORAGE error that says what to do. Answers how many entries the file holds.
 */
export async function writeExportFile(exported: HistoryExport, destination: string): Promise<number> {
  // Loaded at the first export, not with core: fs/promises brings in readline and more (issue 12, start-up).
  const { rename, unlink } = await import('node:fs/promises');
  const partial = join(dirname(destination), `.${basename(destination)}.${randomBytes(4).toString('hex')}.partial`);
  const place = { what: 'history export', path: destination };
  // flush: the data reaches the disk before the rename makes it the destination.
  const file = createWriteStream(partial, { flags: 'wx', flush: true });
  try {
    await once(file, 'open');
    await pipeExport(exported, file);
    file.end();
    await once(file, 'close');
    await rename(partial, destination);
    return exported.count;
  } catch (error) {
    // The failure is reported below. A write still in flight fails once more against the
    // destroyed stream (ERR_STREAM_DESTROYED) after pipeExport let go of its listener: with no
    // listener that second error would be an uncaught exception in the process.
    file.on('error', () => undefined);
    file.destroy();
    await unlink(partial).catch(() => undefined);
    throw asStorageError(error, place);
  }
}
