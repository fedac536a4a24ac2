/**
 * What a fetch that threw means for a call to an Xbox Live service (MPSD, MPA): nothing left
 * this machine (OFFLINE), the caller cancelled, or the call went out and no answer came back,
 * which for an invite or a session write means nobody knows whether it was applied.
 */
import type { AppError } from '../../shared/errors.ts';

/** Network error codes that mean the request never left this machine (or never reached a server). */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** Electron's net.fetch reports Chromium errors by message instead of code. */
const NOT_SENT_CHROMIUM =
  /net::ERR_(CONNECTION_REFUSED|NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|NETWORK_UNREACHABLE|PROXY_CONNECTION_FAILED|CERT_[A-Z_]+)/;
/**
 * Ports fetch refuses before connecting (the Fetch standard's "bad ports": 9, 25, 6000...):
 * Node says "bad port", Chromium net::ERR_UNSAFE_PORT. Nothing left the machine.
 */
const BLOCKED_PORT = /\bbad port\b|net::ERR_UNSAFE_PORT/;

/** Every `code` and message along an error's cause chain (fetch wraps the socket error). */
function failureClues(thrown: unknown): { codes: string[]; text: string } {
  const codes: string[] = [];
  const texts: string[] = [];
  const pending: unknown[] = [thrown];
  for (let depth = 0; pending.length > 0 && depth < 8; depth++) {
    const current = pending.shift();
    if (typeof current !== 'object' || current === null) continue;
    const { code, message, cause, errors } = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof message === 'string') texts.push(message);
    if (cause !== undefined) pending.push(cause);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return { codes, text: texts.join(' / ') };
}

export interface FailedAttempt {
  /** The service's name in messages: MPSD or MPA. */
  service: string;
  /** host[:port] the call went to. */
  host: string;
  /** The call's kind (invite.send, mpa.activity.set...), named in messages. */
  kind: string;
  /** An invite or a write: one that went out and got no answer may have been applied. */
  notIdempotent: boolean;
  timeoutMs: number;
  timedOut: boolean;
  callerAborted: boolean;
}

/** The error for an attempt whose fetch threw (`thrown`), in the words of the table in service-call.ts. */
export function networkFailure(thrown: unknown, attempt: FailedAttempt): AppError {
  const { service, host, kind, timeoutMs } = attempt;
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  if (attempt.timedOut) {
    return attempt.notIdempotent
      ? {
          code: 'OUTCOME_UNKNOWN',
          message: `${service} did not answer within ${seconds}: the ${kind} may or may not have been applied. Check (e.g. in the invitee's notifications or with a query) before sending it again.`,
          details: { reason: 'timeout', timeoutMs },
        }
      : {
          code: 'TIMEOUT',
          message: `${service} did not answer within ${seconds}. Try again; nothing changes if it went through.`,
          details: { timeoutMs },
        };
  }
  if (attempt.callerAborted) return { code: 'CANCELLED', message: `Cancelled before ${service} answered.` };
  const clues = failureClues(thrown);
  if (BLOCKED_PORT.test(clues.text)) {
    return {
      code: 'OFFLINE',
      message: `${host} uses a port that fetch refuses to connect to (a blocked port such as 9 or 6000): nothing was sent. Use another port in the profile's endpoint.`,
      details: { networkCode: 'BLOCKED_PORT' },
    };
  }
  // An argument error along the chain names no network condition; the socket's own code does.
  const code = clues.codes.find((candidate) => candidate !== 'ERR_INVALID_ARG_TYPE') ?? 'unknown';
  if (clues.codes.some((candidate) => NOT_SENT_CODES.has(candidate)) || NOT_SENT_CHROMIUM.test(clues.text)) {
    return {
      code: 'OFFLINE',
      message: `Could not reach ${host} (${code}): nothing was sent. Check the network connection, proxy or VPN, then send again.`,
      details: { networkCode: code },
    };
  }
  return attempt.notIdempotent
    ? {
        code: 'OUTCOME_UNKNOWN',
        message: `The connection to ${host} was lost before it answered (${code}): the ${kind} may or may not have been applied. Check before sending it again.`,
        details: { reason: 'connection-lost', networkCode: code },
      }
    : {
        code: 'TIMEOUT',
        message: `The connection to ${host} was lost before it answered (${code}). Try again; nothing changes if it went through.`,
        details: { reason: 'connection-lost', networkCode: code },
      };
}
