/**
 * A stored history row's kind, outcome and error code as this build reads them. The columns are
 * plain text, so a row may hold a value this build does not know: a newer build wrote it (MPA's
 * kinds came with no schema change, so an older build meets them) or the row is damaged. Such a
 * value is listed as UNRECOGNIZED with its stored text kept beside it, so the row is neither
 * dropped nor able to make the rest of history unreadable (a page is checked against the
 * contract as a whole).
 */
import { historyOutcomes, type HistorySummary } from '../../shared/contract/history.ts';
import { UNRECOGNIZED } from '../../shared/history/unrecognized.ts';
import { errorCodes } from '../../shared/errors.ts';
import { recordedKinds } from '../../shared/recorded-kinds.ts';

export interface StoredRowValues {
  kind: unknown;
  outcome: unknown;
  error_code: unknown;
}

type RowValues = Pick<HistorySummary, 'kind' | 'outcome' | 'errorCode' | 'unrecognized'>;

/** `value` when it is one of `known`, else undefined. */
function oneOf<T extends string>(known: readonly T[], value: unknown): T | undefined {
  return known.find((candidate) => candidate === value);
}

export function readRowValues(row: StoredRowValues): RowValues {
  const unrecognized: NonNullable<HistorySummary['unrecognized']> = {};
  const kind = oneOf(recordedKinds, row.kind);
  if (kind === undefined) unrecognized.kind = String(row.kind);
  const outcome = oneOf(historyOutcomes, row.outcome);
  if (outcome === undefined) unrecognized.outcome = String(row.outcome);
  const values: RowValues = { kind: kind ?? UNRECOGNIZED, outcome: outcome ?? UNRECOGNIZED };
  if (row.error_code !== null && row.error_code !== undefined) {
    const code = oneOf(errorCodes, row.error_code);
    if (code === undefined) unrecognized.errorCode = String(row.error_code);
    values.errorCode = code ?? UNRECOGNIZED;
  }
  if (Object.keys(unrecognized).length > 0) values.unrecognized = unrecognized;
  return values;
}
