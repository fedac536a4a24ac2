/**
 * The one place that talks HTTP to MPSD. `send` never throws for anything the network or
 * the service does: it returns an MpsdExchange whose `error` says what happened in MPSD's
 * own words, with the Authorization value masked everywhere it is recorded.
 *
 * Retries follow Microsoft's HTTP layer (../shared/docs/mpsd-handles.md, section 4), which
 * never repeats an invite or a session write on a guess:
 *
 * | answer                 | idempotent call (reads, queries) | invite / session write          |
 * |------------------------|----------------------------------|---------------------------------|
 * | 401                    | renew the token once, retry once | same (MPSD did not process it)  |
 * | 429                    | retry after Retry-After or backoff | same (MPSD did not process it) |
 * | 503 with Retry-After   | retry after Retry-After          | same (MPSD said: not now)       |
 * | 503 without it         | retry with backoff               | OUTCOME_UNKNOWN, not retried    |
 * | 502, 504               | retry with backoff               | OUTCOME_UNKNOWN, not retried    |
 * | 408, 500               | retry with backoff               | MPSD's error, not retried       |
 * | no answer (timeout, connection lost) | TIMEOUT            | OUTCOME_UNKNOWN, not retried    |
 *
 * Backoff starts at 2 s and doubles, plus 0-20 % jitter; at most `maxThrottleRetries` retries.
 * Unlike XSAPI, a read that got no answer is not retried: a person is waiting for it and can
 * send it again, and OFFLINE must reach the outbox at once rather than after a minute.
 * A Retry-After sets the wait of any retry, but pauses the user's whole budget only after a 429
 * or 503, the statuses MPSD sends it with for the user rather than for one call.
 * A Retry-After longer than `maxRetryAfterMs` is not waited: the call ends THROTTLED (or
 * SERVICE_UNAVAILABLE) saying when MPSD wants it back, and the budget pauses that long, so
 * the next call of this user fails just as fast instead of waiting in silence.
 */
import { HandleStudioError, toAppError, type AppError, type ErrorCode } from '../../shared/errors.ts';
import type { ContractVersion } from '../../shared/mpsd/ids.ts';
import { createRequestComposer } from '../../shared/mpsd/http-export.ts';
import { type MpsdExchange, type ReceivedResponse, type SentRequest, type WireRequest } from '../../shared/mpsd/wire.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { describeRetryAt, MAX_WAITED_PAUSE_MS, retryDetails, type RateBudget } from './rate-budget.ts';
import { createSecretScrubber, type SecretScrubber } from './secret-scrubber.ts';

export interface MpsdClientOptions {
  fetch: FetchLike;
  baseUrl: string;
  contractVersion: ContractVersion;
  locale: string;
  authorization: AuthorizationSource;
  clock: Clock;
  /** Per attempt, from sending to the last byte of the answer. Default 15000. */
  timeoutMs?: number;
  /** 429/503 (and, for idempotent calls, other 5xx) retried at most this often. Default 3. */
  maxThrottleRetries?: number;
  /** Response bodies are kept up to this many bytes. Default 256 KiB. */
  responseBodyCap?: number;
  /** A Retry-After longer than this is not waited out: the call fails THROTTLED. Default 60000 (the budget's bound too). */
  maxRetryAfterMs?: number;
  /** 0..1, for Retry-After jitter; injectable so tests are deterministic. Default Math.random. */
  random?: () => number;
}

export interface SendOptions {
  /**
   * Cancels waiting (rate budget, Retry-After) and, for idempotent calls, the call itself.
   * A non-idempotent call already handed to the network is not cut off: it runs to its
   * answer or its timeout, so whether an invite was created is known rather than guessed.
   */
  signal?: AbortSignal;
  /** Taken before every attempt (retries too) and told about every 429/503's Retry-After. */
  budget?: RateBudget;
}

export interface MpsdClient {
  send(wire: WireRequest, options?: SendOptions): Promise<MpsdExchange>;
}

const DEFAULT_BODY_CAP = 256 * 1024;
/** Microsoft's HTTP layer starts its backoff at 2 s when the service gives no Retry-After. */
const FIRST_BACKOFF_MS = 2000;
/** How much of the service's text goes into an error message (the whole body stays in the exchange). */
const SERVICE_TEXT_MAX = 500;

/** Network error codes that mean the request never left this machine (or never reached a server). */
export const NOT_SENT_CODES = new Set([
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
export const NOT_SENT_CHROMIUM =
  /net::ERR_(CONNECTION_REFUSED|NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|NETWORK_UNREACHABLE|PROXY_CONNECTION_FAILED|CERT_[A-Z_]+)/;
/**
 * Ports fetch refuses before connecting (the Fetch standard's "bad ports": 9, 25, 6000...):
 * Node says "bad port", Chromium net::ERR_UNSAFE_PORT. Nothing left the machine.
 */
export const BLOCKED_PORT = /\bbad port\b|net::ERR_UNSAFE_PORT/;

function checkPositive(name: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new HandleStudioError(
      'VALIDATION',
      `${name} must be ${integer ? 'a whole number' : 'a number'} of 0 or more (got ${String(value)}).`,
    );
  }
  return value;
}

/** Every `code` and message along an error's cause chain (fetch wraps the socket error). */
export function failureClues(thrown: unknown): { codes: string[]; text: string } {
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

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>, now: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const HANDLE_PATH = /^\/handles\/([0-9a-f-]{36})(?:\/session)?$/i;
const HANDLE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The handle a call addressed (get, delete, session) or, from the answer, created. */
function handleIdOf(wire: WireRequest, json: unknown): string | undefined {
  if (
    (wire.kind === 'activity.set' || wire.kind === 'invite.send' || wire.kind === 'handle.get') &&
    typeof json === 'object' &&
    json !== null
  ) {
    const id = (json as { id?: unknown }).id;
    if (typeof id === 'string' && HANDLE_ID.test(id)) return id.toLowerCase();
  }
  return HANDLE_PATH.exec(wire.path)?.[1]?.toLowerCase();
}

/** Creates a client for one profile's endpoint and credentials. Throws VALIDATION for bad options. */
export function createMpsdClient(options: MpsdClientOptions): MpsdClient {
  const { fetch, authorization: source, clock } = options;
  const compose = createRequestComposer(options.baseUrl, options.contractVersion, options.locale);
  const host = new URL(options.baseUrl).host;
  const timeoutMs = checkPositive('timeoutMs', options.timeoutMs, 15_000);
  const maxRetries = checkPositive('maxThrottleRetries', options.maxThrottleRetries, 3, true);
  const bodyCap = checkPositive('responseBodyCap', options.responseBodyCap, DEFAULT_BODY_CAP, true);
  const maxRetryAfterMs = checkPositive('maxRetryAfterMs', options.maxRetryAfterMs, MAX_WAITED_PAUSE_MS);
  const random = options.random ?? Math.random;

  // A token lives for hours: its scrubber (an index of the token's pieces) is built once, not per answer.
  let scrubbing: { authorization: string; scrubber: SecretScrubber } | undefined;
  function scrubberFor(authorization: string): SecretScrubber {
    if (scrubbing?.authorization !== authorization) scrubbing = { authorization, scrubber: createSecretScrubber(authorization) };
    return scrubbing.scrubber;
  }

  /** Reads at most `bodyCap` bytes of the body, then lets the rest go. */
  async function readBody(response: Response): Promise<{ text: string; truncated: boolean }> {
    if (response.body === null) return { text: '', truncated: false };
    // The usual case, a body that says it is small, is read in one go; only the rest is streamed.
    // (A compressed body's Content-Length is not its decoded size, so those are always streamed.)
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared <= bodyCap && !response.headers.has('content-encoding')) return { text: await response.text(), truncated: false };
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), truncated: false };
      const room = bodyCap - bytes;
      if (value.byteLength > room) {
        text += decoder.decode(value.subarray(0, room));
        await reader.cancel().catch(() => undefined);
        return { text, truncated: true };
      }
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  }

  type Attempt = { response: ReceivedResponse } | { error: AppError };

  async function attempt(wire: WireRequest, masked: SentRequest, authorization: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    let callerAborted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    // See SendOptions.signal: only idempotent calls are cut off once handed to the network.
    const onAbort = () => {
      callerAborted = true;
      controller.abort();
    };
    if (!wire.notIdempotent) {
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    }
    try {
      const init: RequestInit = {
        method: masked.method,
        headers: { ...masked.headers, Authorization: authorization },
        signal: controller.signal,
        // A redirect would carry the Authorization header to wherever it points.
        redirect: 'manual',
      };
      if (masked.body !== undefined) init.body = masked.body;
      const response = await fetch(masked.url, init);
      const { text, truncated } = await readBody(response);
      // Everything the service said is scrubbed of our own Authorization before anyone keeps it.
      const scrubber = scrubberFor(authorization);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = scrubber.text(value);
      });
      const received: ReceivedResponse = { status: response.status, headers, body: scrubber.text(text) };
      if (truncated) received.bodyTruncated = true;
      else if (/json/i.test(headers['content-type'] ?? '') || /^\s*[[{]/.test(received.body)) {
        try {
          received.json = JSON.parse(received.body);
          // An escaped echo (\u002B, \/) only shows once decoded: then the text is rewritten from the scrubbed JSON.
          if (received.body.includes('\\')) {
            const decoded = scrubber.json(received.json);
            received.json = decoded.value;
            if (decoded.changed) received.body = JSON.stringify(decoded.value);
          }
        } catch {
          // Not JSON after all (MPSD answers errors as text/plain): the text is kept as is.
        }
      }
      return { response: received };
    } catch (thrown) {
      return { error: failureError(wire, thrown, { timedOut, callerAborted }) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  function failureError(wire: WireRequest, thrown: unknown, how: { timedOut: boolean; callerAborted: boolean }): AppError {
    const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
    if (how.timedOut) {
      return wire.notIdempotent
        ? {
            code: 'OUTCOME_UNKNOWN',
            message: `MPSD did not answer within ${seconds}: the ${wire.kind} may or may not have been applied. Check (e.g. in the invitee's notifications or with a query) before sending it again.`,
            details: { reason: 'timeout', timeoutMs },
          }
        : {
            code: 'TIMEOUT',
            message: `MPSD did not answer within ${seconds}. Try again; nothing changes if it went through.`,
            details: { timeoutMs },
          };
    }
    if (how.callerAborted) return { code: 'CANCELLED', message: 'Cancelled before MPSD answered.' };
    const clues = failureClues(thrown);
    if (BLOCKED_PORT.test(clues.text)) {
      return {
        code: 'OFFLINE',
        message: `${host} uses a port that fetch refuses to connect to (a blocked port such as 9 or 6000): nothing was sent. Use another port in the profile's endpoint.`,
        details: { networkCode: 'BLOCKED_PORT' },
      };
    }
    const code = clues.codes.find((candidate) => candidate !== 'ERR_INVALID_ARG_TYPE') ?? 'unknown';
    if (clues.codes.some((candidate) => NOT_SENT_CODES.has(candidate)) || NOT_SENT_CHROMIUM.test(clues.text)) {
      return {
        code: 'OFFLINE',
        message: `Could not reach ${host} (${code}): nothing was sent. Check the network connection, proxy or VPN, then send again.`,
        details: { networkCode: code },
      };
    }
    return wire.notIdempotent
      ? {
          code: 'OUTCOME_UNKNOWN',
          message: `The connection to ${host} was lost before it answered (${code}): the ${wire.kind} may or may not have been applied. Check before sending it again.`,
          details: { reason: 'connection-lost', networkCode: code },
        }
      : {
          code: 'TIMEOUT',
          message: `The connection to ${host} was lost before it answered (${code}). Try again; nothing changes if it went through.`,
          details: { reason: 'connection-lost', networkCode: code },
        };
  }

  /** The service's own words: the text/plain body, or a JSON body's message. */
  function serviceText(response: ReceivedResponse): string | undefined {
    const json = response.json as Record<string, unknown> | undefined;
    const fromJson = json !== undefined && typeof json === 'object' ? (json.message ?? json.Message ?? json.error) : undefined;
    const text = (typeof fromJson === 'string' ? fromJson : response.body).replace(/\s+/g, ' ').trim();
    if (text === '') return undefined;
    return text.length > SERVICE_TEXT_MAX ? `${text.slice(0, SERVICE_TEXT_MAX)}…` : text;
  }

  /**
   * The final answer for a status that is not a success. `retryAt`: when MPSD asked for the
   * call again (Retry-After); `tooLong` when that is further off than the client waits.
   */
  function statusError(
    wire: WireRequest,
    response: ReceivedResponse,
    retries: number,
    asked?: { retryAt: number; tooLong: boolean },
  ): AppError {
    const said = serviceText(response);
    const quoted = said === undefined ? '' : `: "${said}"`;
    // The service's own sentence usually ends in a full stop already: end ours once, not twice.
    const quotedEnd = `${quoted}${said !== undefined && /[.!?]$/.test(said) ? '' : '.'}`;
    const details: Record<string, unknown> = { status: response.status };
    if (said !== undefined) details.serviceText = said;
    const status = response.status;
    const answer = (code: ErrorCode, message: string): AppError => ({ code, message, details });
    const now = clock.now();
    if (asked !== undefined) Object.assign(details, retryDetails(asked.retryAt, now));
    /** Why it stopped, and when to send again. */
    const stopped = (what: string): string =>
      asked?.tooLong === true
        ? `it asked to wait until ${describeRetryAt(asked.retryAt, now)}, longer than Handle Studio waits. Nothing was created: send again after that time.`
        : `${what} after ${retries} ${retries === 1 ? 'retry' : 'retries'}. Nothing was created: send again ${asked === undefined ? 'later' : `after ${describeRetryAt(asked.retryAt, now)}`}.`;
    switch (status) {
      case 400:
        return answer('MPSD_REJECTED', `MPSD refused the request as malformed (400)${quotedEnd}`);
      case 401: {
        const reason = response.headers['www-authenticate'];
        if (reason !== undefined) details.wwwAuthenticate = reason;
        return answer(
          'UNAUTHORIZED',
          `MPSD did not accept the token (401) even after renewing it${quotedEnd} Sign in again or paste a fresh token for this sandbox.`,
        );
      }
      case 403:
        return answer(
          'FORBIDDEN',
          `MPSD refused access (403)${quotedEnd} Check the sandbox, the SCID's access and the account's multiplayer privilege.`,
        );
      case 404:
        // An activity needs a session its user is in: MPSD's 404 then means "not joined", not a wrong id.
        return answer(
          'NOT_FOUND',
          `MPSD found nothing there (404)${quotedEnd} ${wire.kind === 'activity.set' ? 'Join the session first, then set the activity.' : 'Check the SCID, template, session name or handle id.'}`,
        );
      case 409:
        return answer('CONFLICT', `The request conflicts with the session (409)${quotedEnd}`);
      case 412:
        return answer('PRECONDITION_FAILED', `The session is not in the state the request expected (412)${quotedEnd}`);
      case 429: {
        const limits = typeof response.json === 'object' && response.json !== null ? (response.json as Record<string, unknown>) : {};
        for (const key of ['currentRequests', 'maxRequests', 'periodInSeconds', 'limitType']) {
          if (limits[key] !== undefined) details[key] = limits[key];
        }
        const window =
          typeof limits.maxRequests === 'number' && typeof limits.periodInSeconds === 'number'
            ? ` (at most ${limits.maxRequests} per ${limits.periodInSeconds} s${typeof limits.limitType === 'string' ? `, ${limits.limitType} limit` : ''})`
            : '';
        return answer('THROTTLED', `MPSD rate limit reached${window}; ${stopped('still throttled')}`);
      }
      case 503:
        return answer('SERVICE_UNAVAILABLE', `MPSD is overloaded (503)${quoted}; ${stopped('still unavailable')}`);
      default:
        if (status >= 300 && status < 400) {
          return answer(
            'MPSD_REJECTED',
            `MPSD answered with a redirect (${status}) that Handle Studio does not follow, so the token is not sent elsewhere. Check the base URL.`,
          );
        }
        return answer('MPSD_REJECTED', `MPSD answered ${status} for this ${wire.kind}${quotedEnd}`);
    }
  }

  /** MPSD refused the token even after the one renewal: the source marks it refused everywhere. */
  function tellRefused(): void {
    try {
      source.refused?.();
    } catch {
      // The hook only updates what screens show; a fault there must not change this call's answer.
    }
  }

  /** An invite or session write answered in a way that does not say whether MPSD applied it. */
  function unknownOutcome(wire: WireRequest, response: ReceivedResponse): AppError {
    const said = serviceText(response);
    const details: Record<string, unknown> = { status: response.status, reason: 'unclear-answer' };
    if (said !== undefined) details.serviceText = said;
    return {
      code: 'OUTCOME_UNKNOWN',
      message: `MPSD answered ${response.status}${said === undefined ? '' : ` ("${said}")`} without a Retry-After, which does not say whether it processed the call: the ${wire.kind} may or may not have been applied. Check (e.g. in the invitee's notifications or with a query) before sending it again.`,
      details,
    };
  }

  return {
    async send(wire, sendOptions = {}) {
      const { signal, budget } = sendOptions;
      const startedAt = clock.now();
      let request: SentRequest;
      try {
        request = compose(wire);
      } catch (thrown) {
        // A wire that cannot be sent safely (see checkWire) is answered like any failure, untouched.
        return {
          kind: wire.kind,
          request: { method: wire.method, url: '', headers: {} },
          startedAt: new Date(startedAt).toISOString(),
          durationMs: 0,
          attempts: 0,
          error: toAppError(thrown),
        };
      }
      let attempts = 0;
      const finish = (fields: { response?: ReceivedResponse; error?: AppError; handleId?: string | undefined }): MpsdExchange => {
        const exchange: MpsdExchange = {
          kind: wire.kind,
          request,
          startedAt: new Date(startedAt).toISOString(),
          durationMs: clock.now() - startedAt,
          attempts,
        };
        if (wire.sessionRef !== undefined) exchange.sessionRef = wire.sessionRef;
        if (wire.invitedXuid !== undefined) exchange.invitedXuid = wire.invitedXuid;
        const handleId = fields.handleId ?? handleIdOf(wire, undefined);
        if (handleId !== undefined) exchange.handleId = handleId;
        if (fields.response !== undefined) {
          exchange.response = fields.response;
          const correlationId = fields.response.headers['x-xblcorrelationid'] ?? fields.response.headers['ms-cv'];
          if (correlationId !== undefined) exchange.correlationId = correlationId;
        }
        if (fields.error !== undefined) exchange.error = fields.error;
        return exchange;
      };
      const cancelledBeforeSending = (response?: ReceivedResponse) =>
        finish({ response, error: { code: 'CANCELLED', message: 'Cancelled before the request was sent: MPSD did not process it.' } });

      let authorization: string;
      try {
        authorization = usableAuthorization(await source.current());
      } catch (thrown) {
        return finish({ error: credentialError(thrown, 'NO_CREDENTIALS') });
      }

      let renewed = false;
      let retries = 0;
      let last: ReceivedResponse | undefined;
      for (;;) {
        if (signal?.aborted) return cancelledBeforeSending(last);
        if (budget !== undefined) {
          try {
            await budget.take(signal);
          } catch (thrown) {
            // The budget refuses at once while MPSD's pause lasts longer than we wait (THROTTLED, with when).
            const refused = toAppError(thrown);
            return refused.code === 'THROTTLED' ? finish({ response: last, error: refused }) : cancelledBeforeSending(last);
          }
        }
        attempts += 1;
        const outcome = await attempt(wire, request, authorization, signal);
        if ('error' in outcome) return finish({ error: outcome.error });
        const response = outcome.response;
        last = response;
        const status = response.status;
        if (status >= 200 && status < 300) return finish({ response, handleId: handleIdOf(wire, response.json) });

        if (status === 401 && !renewed) {
          // A 401 means MPSD did not process the call, so one retry with a fresh token is safe.
          renewed = true;
          try {
            authorization = usableAuthorization(await source.renew());
          } catch (thrown) {
            const error = credentialError(thrown, 'UNAUTHORIZED');
            if (error.code === 'UNAUTHORIZED') tellRefused();
            return finish({ response, error });
          }
          continue;
        }
        if (status === 401) tellRefused();

        const now = clock.now();
        const after = retryAfterMs(response.headers, now);
        const rule = retryRule(wire, status, after !== undefined);
        if (rule === 'unknown') return finish({ response, error: unknownOutcome(wire, response) });
        // MPSD's pause holds for every call of this user, in every process, not just this one.
        if ((status === 429 || status === 503) && after !== undefined) budget?.backOffUntil(now + after);
        const wait = after ?? FIRST_BACKOFF_MS * 2 ** retries;
        if (rule === 'retry' && retries < maxRetries && wait <= maxRetryAfterMs) {
          retries += 1;
          try {
            // Up to 20 % on top, so many clients told the same Retry-After do not return together.
            await clock.sleep(wait * (1 + 0.2 * random()), signal);
          } catch {
            return cancelledBeforeSending(response);
          }
          continue;
        }
        const asked = after === undefined ? undefined : { retryAt: now + after, tooLong: after > maxRetryAfterMs };
        return finish({ response, error: statusError(wire, response, retries, asked) });
      }
    },
  };
}

/** Statuses Microsoft's HTTP layer retries (see the table at the top). */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** A gateway's or an overloaded front end's answer: the call may have reached MPSD and been applied. */
const MAY_HAVE_BEEN_APPLIED = new Set([502, 503, 504]);

/**
 * What to do with a non-success answer: retry it, call the outcome unknown (an invite or
 * session write that may have been applied), or report it.
 */
function retryRule(wire: WireRequest, status: number, hasRetryAfter: boolean): 'retry' | 'unknown' | 'final' {
  // MPSD did not process the call: safe to repeat even an invite.
  if (status === 429 || (status === 503 && hasRetryAfter)) return 'retry';
  if (!RETRIED_STATUSES.has(status)) return 'final';
  if (!wire.notIdempotent) return 'retry';
  return MAY_HAVE_BEEN_APPLIED.has(status) ? 'unknown' : 'final';
}

/** Header values cannot hold line breaks or non-ASCII; such a stored value would make fetch throw. */
export function usableAuthorization(value: string): string {
  if (typeof value !== 'string' || !/^[\x20-\x7e]+$/.test(value)) {
    throw new HandleStudioError(
      'NO_CREDENTIALS',
      'The stored Authorization value is not usable in a header (empty, line breaks or non-ASCII characters): paste the XBL3.0 x=<uhs>;<token> value again.',
    );
  }
  return value;
}

/** The credential source's own error (NO_CREDENTIALS, TOKEN_EXPIRED, UNAUTHORIZED...) or `fallback`. */
function credentialError(thrown: unknown, fallback: ErrorCode): AppError {
  if (thrown instanceof HandleStudioError) return thrown.toAppError();
  // Anything else is a bug in the credential source, and its text could hold what it was handling: not shown.
  return fallback === 'UNAUTHORIZED'
    ? { code: fallback, message: 'MPSD did not accept the token and renewing it failed: sign in again.' }
    : { code: fallback, message: 'No usable credentials for this profile: sign in or paste a token.' };
}
