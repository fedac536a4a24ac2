/**
 * History as files a person opens elsewhere: CSV for spreadsheets, JSON for tools.
 * Neither carries a token: requests are stored masked, and that is what is exported.
 */
import type { HistoryEntry, HistorySummary } from '../../shared/contract/history.ts';

const CSV_COLUMNS: readonly [header: string, value: (entry: HistorySummary) => string | number | undefined][] = [
  ['id', (e) => e.id],
  ['time', (e) => e.at],
  ['profile', (e) => e.profileName],
  ['sandbox', (e) => e.sandbox],
  ['kind', (e) => e.kind],
  ['scid', (e) => e.scid],
  ['template', (e) => e.templateName],
  ['session', (e) => e.sessionName],
  ['invitedXuid', (e) => e.invitedXuid],
  ['recipient', (e) => e.recipientLabel],
  ['method', (e) => e.method],
  ['url', (e) => e.url],
  ['status', (e) => e.status],
  ['outcome', (e) => e.outcome],
  ['correlationId', (e) => e.correlationId],
  ['handleId', (e) => e.handleId],
  ['durationMs', (e) => e.durationMs],
  ['errorCode', (e) => e.errorCode],
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

/** RFC 4180 CSV (CRLF line ends, every text cell quoted) with a header row. */
export function historyToCsv(entries: Iterable<HistorySummary>): string {
  const lines = [CSV_COLUMNS.map(([header]) => header).join(',')];
  for (const entry of entries) lines.push(CSV_COLUMNS.map(([, value]) => csvCell(value(entry))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A JSON array of whole entries, one per line for readable diffs. */
export function historyToJson(entries: Iterable<HistoryEntry>): string {
  const parts: string[] = [];
  for (const entry of entries) parts.push(JSON.stringify(entry));
  return parts.length === 0 ? '[]\n' : `[\n${parts.join(',\n')}\n]\n`;
}
