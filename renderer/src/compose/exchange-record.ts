import type { ExchangeView } from '../../../app/shared/contract/common.ts';
import type { MpaExchangeView } from '../../../app/shared/contract/mpa.ts';
import type { HistoryEntry } from '../../../app/shared/contract/history.ts';
import type { AppError } from '../../../app/shared/errors.ts';
import { UNRECOGNIZED } from '../../../app/shared/history/unrecognized.ts';

/** One MPSD call as the exchange viewer shows it, whether it just happened or comes from history. */
export interface ExchangeRecord {
  kind: string;
  status?: number | undefined;
  correlationId?: string | undefined;
  handleId?: string | undefined;
  invitedXuid?: string | undefined;
  durationMs: number;
  startedAt: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string | undefined };
  responseHeaders?: Record<string, string> | undefined;
  responseBody?: string | undefined;
  responseJson?: unknown;
  responseTruncated?: boolean;
  error?: AppError | undefined;
}

/** An MPSD call, or an MPA one (its own kinds, and no handle or single invitee). */
type AnyExchange = ExchangeView | MpaExchangeView;

export function fromExchange(exchange: AnyExchange): ExchangeRecord {
  return {
    kind: exchange.kind,
    status: exchange.response?.status,
    correlationId: exchange.correlationId,
    handleId: 'handleId' in exchange ? exchange.handleId : undefined,
    invitedXuid: 'invitedXuid' in exchange ? exchange.invitedXuid : undefined,
    durationMs: exchange.durationMs,
    startedAt: exchange.startedAt,
    request: exchange.request,
    responseHeaders: exchange.response?.headers,
    responseBody: exchange.response?.body,
    responseJson: exchange.response?.json,
    error: exchange.error,
  };
}

export function fromHistoryEntry(entry: HistoryEntry): ExchangeRecord {
  return {
    kind: entry.kind,
    status: entry.status,
    correlationId: entry.correlationId,
    handleId: entry.handleId,
    invitedXuid: entry.invitedXuid,
    durationMs: entry.durationMs,
    startedAt: entry.at,
    request: entry.request,
    responseHeaders: entry.responseHeaders,
    responseBody: entry.responseBody,
    responseTruncated: entry.responseTruncated,
    // A code this build does not know has no words here; History's drawer names it (historyErrorCode).
    ...(entry.errorCode && entry.errorCode !== UNRECOGNIZED ? { error: { code: entry.errorCode, message: entry.errorMessage ?? '' } } : {}),
  };
}
