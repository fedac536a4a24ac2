/**
 * The CLI's exit codes: the one place that decides what a script calling `handle-studio`
 * sees in `$?`. Scripts branch on these numbers (retry on 6, fix the token on 4, look at the
 * output on 7), so they are part of the CLI's contract and must not drift.
 */
import type { OutboxFlushSummary } from '../shared/contract/outbox.ts';
import type { SendResult } from '../shared/contract/requests.ts';
import type { AppError, ErrorCode } from '../shared/errors.ts';

export const EXIT_OK = 0;
/** Unknown command or flag, a flag missing its value, a secret given as a flag. */
export const EXIT_USAGE = 2;
/** A value that does not pass the request's rules (a bad XUID, a missing --scid). */
export const EXIT_VALIDATION = 3;
/** No token, an expired or refused token, the keychain or the sign-in failed. */
export const EXIT_AUTH = 4;
/** MPSD answered and said no (403, 404, 409, 412, 429 after retries, other refusals). */
export const EXIT_REJECTED = 5;
/** MPSD could not be reached or did not answer in time. */
export const EXIT_NETWORK = 6;
/** Some invitees got their invite and some did not, or a write may or may not have landed. */
export const EXIT_PARTIAL = 7;
/** Pre-flight (`session check`, `invite send --check`) found something that blocks the invite or may hide it; nothing was sent. */
export const EXIT_FINDINGS = 8;
/** A fault of Handle Studio itself (storage, a bug): not something the caller's input caused. */
export const EXIT_INTERNAL = 1;

const exitByCode: Record<ErrorCode, number> = {
  VALIDATION: EXIT_VALIDATION,
  NO_CREDENTIALS: EXIT_AUTH,
  TOKEN_EXPIRED: EXIT_AUTH,
  UNAUTHORIZED: EXIT_AUTH,
  KEYCHAIN_UNAVAILABLE: EXIT_AUTH,
  SIGN_IN_FAILED: EXIT_AUTH,
  MPSD_REJECTED: EXIT_REJECTED,
  FORBIDDEN: EXIT_REJECTED,
  NOT_FOUND: EXIT_REJECTED,
  CONFLICT: EXIT_REJECTED,
  PRECONDITION_FAILED: EXIT_REJECTED,
  THROTTLED: EXIT_REJECTED,
  OFFLINE: EXIT_NETWORK,
  TIMEOUT: EXIT_NETWORK,
  SERVICE_UNAVAILABLE: EXIT_NETWORK,
  OUTCOME_UNKNOWN: EXIT_PARTIAL,
  // Ctrl+C during a send: the shell convention for "stopped by SIGINT" is 130.
  CANCELLED: 130,
  STORAGE: EXIT_INTERNAL,
  INTERNAL: EXIT_INTERNAL,
};

/** The exit code for a failure with this error code. */
export function exitCodeFor(code: ErrorCode): number {
  return exitByCode[code];
}

/**
 * The exit code for a finished send. Invitees held in the outbox count as done (the caller
 * asked for that with --queue); a fan-out where some invitees got their invite and others
 * did not is "partial" (7), because re-running the whole command would invite some twice.
 */
export function exitCodeForSend(result: SendResult): number {
  if (result.outcome === 'queued') return EXIT_OK;
  if (result.outcome === 'cancelled') return exitCodeFor('CANCELLED');
  const failure = firstSendFailure(result);
  if (result.invitees !== undefined) {
    const landed = result.invitees.filter((invitee) => invitee.state === 'sent' || invitee.state === 'queued').length;
    if (landed === result.invitees.length) return EXIT_OK;
    if (landed > 0 || result.invitees.some((invitee) => invitee.state === 'outcome-unknown')) return EXIT_PARTIAL;
  }
  if (failure !== undefined) return exitCodeFor(failure.code);
  return result.outcome === 'failed' ? EXIT_INTERNAL : EXIT_OK;
}

/** Why a send did not fully succeed: the send's own error, else the first failed invitee or call. */
export function firstSendFailure(result: SendResult): AppError | undefined {
  return (
    result.error ??
    result.invitees?.find((invitee) => invitee.error !== undefined)?.error ??
    result.exchanges.find((exchange) => exchange.error !== undefined)?.error
  );
}

/**
 * The exit code for `outbox flush`: 0 when everything attempted went out (or there was
 * nothing to send), 6 when items had to stay queued (still offline, no token), 7 when some
 * failed or may or may not have arrived.
 */
export function exitCodeForFlush(summary: OutboxFlushSummary): number {
  if (summary.cancelled) return exitCodeFor('CANCELLED');
  if (summary.failed > 0 || summary.outcomeUnknown > 0) return EXIT_PARTIAL;
  if (summary.retryLater > 0) return EXIT_NETWORK;
  return EXIT_OK;
}
