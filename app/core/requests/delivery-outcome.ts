/**
 * What one MPSD exchange means for an outbox item, and the error codes behind it. Shared by
 * the send service (queueing, the outbox's `deliver`) and the invite journal (settling).
 */
import type { ErrorCode } from '../../shared/errors.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import type { DeliveryOutcome } from '../outbox/outbox-store.ts';

/** Nothing went out and it will work later: no network, or no usable token yet. */
export const NOT_SENT_NOW: ReadonlySet<ErrorCode> = new Set(['OFFLINE', 'NO_CREDENTIALS', 'TOKEN_EXPIRED', 'KEYCHAIN_UNAVAILABLE']);
/**
 * For a queued item: the user must act first (a token, a renewed or accepted token, the
 * keychain), so waiting costs nothing and backing off would only delay the send once they have.
 * UNAUTHORIZED is a token MPSD refused (401: it did not process the call, so resending is safe).
 */
const WAITS_FOR_USER: ReadonlySet<ErrorCode> = new Set([
  'NO_CREDENTIALS',
  'TOKEN_EXPIRED',
  'KEYCHAIN_UNAVAILABLE',
  'UNAUTHORIZED',
  'CANCELLED',
]);
/** MPSD did not do it and a later attempt may work: the item backs off and tries again. */
const RETRY_WITH_BACKOFF: ReadonlySet<ErrorCode> = new Set(['OFFLINE', 'THROTTLED', 'SERVICE_UNAVAILABLE', 'TIMEOUT']);

/** What one exchange means for an outbox item: delivered, refused, not done yet (safe to send again), or unknown. */
export function deliveryOutcomeOf(exchange: MpsdExchange): DeliveryOutcome {
  const correlation = exchange.correlationId === undefined ? {} : { correlationId: exchange.correlationId };
  if (exchange.error === undefined)
    return { result: 'sent', ...(exchange.handleId ? { handleId: exchange.handleId } : {}), ...correlation };
  const error = { code: exchange.error.code, message: exchange.error.message };
  const status = exchange.response === undefined ? {} : { status: exchange.response.status };
  if (error.code === 'OUTCOME_UNKNOWN') return { result: 'outcome-unknown', error, ...correlation };
  if (WAITS_FOR_USER.has(error.code)) return { result: 'retry-later', paused: true, error, ...status };
  if (RETRY_WITH_BACKOFF.has(error.code)) {
    // A long Retry-After is not waited out (the client says when MPSD asked to be called again): the item waits in the queue until then.
    const retryAt = exchange.error.details?.['retryAt'];
    return {
      result: 'retry-later',
      error,
      ...status,
      ...(typeof retryAt === 'string' && !Number.isNaN(Date.parse(retryAt)) ? { retryAt: new Date(retryAt).toISOString() } : {}),
    };
  }
  return { result: 'failed', error, ...correlation };
}
