/**
 * What one MPSD exchange means for an outbox item, and the error codes behind it. Shared by
 * the send service (queueing, the outbox's `deliver`) and the invite journal (settling).
 */
import { toAppError, type AppError, type ErrorCode } from '../../shared/errors.ts';
import type { AuthorizationSource } from '../ports.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import type { DeliveryOutcome } from '../outbox/outbox-store.ts';
import type { OutboxItem } from '../../shared/contract/outbox.ts';

/**
 * Nothing was done and it will work later: no network, or no usable token yet. UNAUTHORIZED is
 * a token refused before the call (marked refused) or by the service's 401 even after renewing
 * it: a 401 means the call was not processed, so what a `--queue` send could not do waits
 * (paused) until the token is replaced. A code that may follow a processed call never belongs here.
 */
export const NOT_SENT_NOW: ReadonlySet<ErrorCode> = new Set([
  'OFFLINE',
  'NO_CREDENTIALS',
  'TOKEN_EXPIRED',
  'KEYCHAIN_UNAVAILABLE',
  'UNAUTHORIZED',
]);
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

/** What one exchange (MPSD's or MPA's) means for an outbox item: delivered, refused, not done yet (safe to send again), or unknown. */
export function deliveryOutcomeOf(exchange: Pick<MpsdExchange, 'error' | 'response' | 'correlationId' | 'handleId'>): DeliveryOutcome {
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

/**
 * Before an outbox item's call: why it must wait (its profile is gone or unreadable, or it has
 * no usable token), or undefined when it can go. Nothing goes out while it waits, so it is
 * paused rather than backed off: it goes as soon as the user has fixed that.
 */
export async function waitingBeforeDelivery<T>(
  item: Pick<OutboxItem, 'profileName'>,
  resolve: () => T & { authorization: AuthorizationSource },
): Promise<{ ready: T & { authorization: AuthorizationSource } } | { waiting: DeliveryOutcome }> {
  let target: T & { authorization: AuthorizationSource };
  try {
    target = resolve();
  } catch (thrown) {
    // Deleted, or profiles.json could not be read: the item waits (nothing went out) until the
    // user sends it as another profile, or the profile comes back from a backup; never failed for good.
    const error = toAppError(thrown);
    const name = item.profileName === undefined ? 'Its profile' : `Its profile "${item.profileName}"`;
    const why = error.code === 'NOT_FOUND' ? 'is gone (removed, or profiles.json could not be read)' : `cannot be used (${error.message})`;
    return {
      waiting: {
        result: 'retry-later',
        paused: true,
        error: {
          code: error.code,
          message: `${name} ${why}, so it waits. Send it as another profile (Outbox: "Send as…"; CLI: \`handle-studio outbox reassign ITEM --profile NAME\`) or dismiss it; it also goes out if the profile comes back.`,
        },
      },
    };
  }
  try {
    await target.authorization.current();
  } catch (thrown) {
    // No token, an expired or refused one, no keychain: no network call until the user fixes it.
    const error = toAppError(thrown);
    return { waiting: { result: 'retry-later', paused: true, error: { code: error.code, message: error.message } } };
  }
  return { ready: target };
}

/** The error of a send that waits in the outbox instead: why, and that it goes out by itself. */
export function queuedBecause(error: AppError): AppError {
  return {
    code: error.code,
    message: `${error.message} Queued in the outbox: it will be sent when the network and a valid token are back.`,
  };
}

/**
 * Once something went out, a failing disk must not swallow the answers: what could not be
 * written (history, the outbox journal) becomes a warning next to them instead. `keep` runs
 * one write and answers false (the warning kept) when the disk refused it.
 */
export function storageWarnings(service: 'MPSD' | 'MPA'): { warnings: AppError[]; keep: (what: string, work: () => void) => boolean } {
  const warnings: AppError[] = [];
  const keep = (what: string, work: () => void): boolean => {
    try {
      work();
      return true;
    } catch (thrown) {
      const message = `${what} could not be written (${toAppError(thrown).message}). The answers below are what ${service} said; note them before closing this.`;
      if (!warnings.some((warning) => warning.message === message)) warnings.push({ code: 'STORAGE', message });
      return false;
    }
  };
  return { warnings, keep };
}
