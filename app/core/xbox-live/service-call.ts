/**
 * One call to an Xbox Live service (MPSD, MPA), from taking the rate budget to the final
 * answer: the retry and pacing loop both clients share. It never throws for anything the
 * network or the service does; it returns what came back and, when the call failed, an error
 * that says so in the service's own words, with our Authorization value masked everywhere.
 *
 * Retries follow Microsoft's HTTP layer (../shared/docs/mpsd-handles.md, section 4), which
 * never repeats an invite or a write on a guess:
 *
 * | answer                 | idempotent call (reads, queries) | invite / write                      |
 * |------------------------|----------------------------------|-------------------------------------|
 * | 401                    | renew the token once, retry once | same (the service did not process it) |
 * | 429                    | retry after Retry-After or backoff | same (the service did not process it) |
 * | 503 with Retry-After   | retry after Retry-After          | same (the service said: not now)    |
 * | 503 without it         | retry with backoff               | OUTCOME_UNKNOWN, not retried        |
 * | 500, 502, 504, 408     | retry with backoff               | OUTCOME_UNKNOWN, not retried        |
 * | any other 5xx          | the service's error              | OUTCOME_UNKNOWN, not retried        |
 * | other 4xx, 3xx         | the service's error              | the service's error (not applied)   |
 * | 2xx that is not the service's document (see `notItsAnswer`) | success | OUTCOME_UNKNOWN |
 * | no answer (timeout, connection lost) | TIMEOUT            | OUTCOME_UNKNOWN, not retried        |
 *
 * Why a write's 5xx and 408 are "outcome unknown", never "not sent": the doc lists no 500, 502,
 * 504 or 408 among MPSD's own answers (§3), and its HTTP layer retries them for reads only
 * because it "does not retry invites or session writes" (§4): a 500 can come after the handle
 * was written, and a 502/504/408 from a gateway or proxy after it forwarded the call. Only the
 * answers that say the call was refused (4xx: malformed, token, access, not found, conflict,
 * precondition, throttled) or asked to come back (503 with Retry-After) say nothing was applied.
 * Telling a person "not sent" for a write that landed is what invites twice.
 *
 * Backoff starts at 2 s and doubles, plus 0-20 % jitter; at most `maxRetries` retries.
 * Unlike XSAPI, a read that got no answer is not retried: a person is waiting for it and can
 * send it again, and OFFLINE must reach the outbox at once rather than after a minute.
 * A Retry-After sets the wait of any retry, but pauses the user's budget only after a 429
 * or 503, the statuses the service sends it with for the user rather than for one call, and
 * only for this endpoint (its origin): another endpoint (a local stand-in, the real service)
 * never asked for it. A Retry-After longer than `maxRetryAfterMs` is not waited: the call ends
 * THROTTLED (or SERVICE_UNAVAILABLE) saying when the service wants it back, and the budget
 * pauses that long, so the user's next call there fails just as fast instead of waiting in silence.
 */
import { HandleStudioError, toAppError, withoutTokenShapes, type AppError, type ErrorCode } from '../../shared/errors.ts';
import { visibleValue } from '../../shared/visible-text.ts';
import type { ReceivedResponse, SentRequest } from '../../shared/mpsd/wire.ts';
import { createSecretScrubber, type SecretScrubber } from '../mpsd/secret-scrubber.ts';
import { LONGEST_PAUSE_MS, type RateBudget } from '../mpsd/rate-budget.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { networkFailure } from './network-failure.ts';

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

/** When the service asked for the call again (Retry-After), and whether that is further off than we wait. */
export interface RetryAsked {
  retryAt: number;
  tooLong: boolean;
}

export interface ServiceCallerOptions {
  /** The service's name in messages: MPSD or MPA. */
  service: string;
  fetch: FetchLike;
  /** scheme://host[:port] of the service: a pause it asks for holds back calls to it alone; its host is named when it cannot be reached. */
  origin: string;
  authorization: AuthorizationSource;
  clock: Clock;
  /** Per attempt, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** 429/503 (and, for idempotent calls, other 5xx) retried at most this often. */
  maxRetries: number;
  /** Response bodies are kept up to this many bytes. */
  bodyCap: number;
  /** A Retry-After longer than this is not waited out. */
  maxRetryAfterMs: number;
  /** 0..1, for the jitter on waits; injectable so tests are deterministic. */
  random: () => number;
  /** The service's own words in an answer (its error text or message field), if any. */
  serviceText(response: ReceivedResponse): string | undefined;
  /** The final error for a status that is not a success and is not retried (any more). */
  statusError(kind: string, response: ReceivedResponse, asked: RetryAsked | undefined, retries: number): AppError;
  /**
   * For an invite or write answered 2xx: what the service answers it with (e.g. "MPSD's handle
   * document") when this answer is not that, as a proxy's or captive portal's page is not; else undefined.
   */
  notItsAnswer(kind: string, response: ReceivedResponse): string | undefined;
}

export interface ServiceCall<Kind extends string> {
  kind: Kind;
  /** An invite or a write: never repeated when it may have been applied. */
  notIdempotent?: boolean;
  /** What goes out, with the Authorization placeholder (the real value is added per attempt). */
  request: SentRequest;
}

/** One call's whole story as it is recorded: what went out (masked), what came back, how long it took, what it means. */
export interface ServiceExchange<Kind extends string> {
  kind: Kind;
  request: SentRequest;
  /** The last answer, when one came. */
  response?: ReceivedResponse;
  /** X-XblCorrelationId, falling back to MS-CV. */
  correlationId?: string;
  startedAt: string;
  /** From the first attempt to the last answer, including any Retry-After waits. */
  durationMs: number;
  /** HTTP attempts made (more than 1 after a 401 renewal or a 429/503 retry). */
  attempts: number;
  /** Absent on success. */
  error?: AppError;
}

/** How much of an answer that is not the service's a message quotes, to say what answered instead. */
const ANSWER_EXCERPT = 60;
/** Microsoft's HTTP layer starts its backoff at 2 s when the service gives no Retry-After. */
const FIRST_BACKOFF_MS = 2000;
/** Statuses Microsoft's HTTP layer retries (see the table at the top). */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/**
 * A write answered with one of these may have been applied (see the table at the top): every 5xx
 * (503 with a Retry-After is taken first, as "not now") and a proxy's 408.
 */
function mayHaveBeenApplied(status: number): boolean {
  return status >= 500 || status === 408;
}

/** An option that must be a number of 0 or more; throws VALIDATION saying so. */
export function checkedOption(name: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new HandleStudioError(
      'VALIDATION',
      `${name} must be ${integer ? 'a whole number' : 'a number'} of 0 or more (got ${String(value)}).`,
    );
  }
  return value;
}

/**
 * Retry-After in seconds or as an HTTP date, at most LONGEST_PAUSE_MS (why: see there); undefined
 * when absent or unreadable.
 */
function retryAfterMs(headers: Record<string, string>, now: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isNaN(ms) ? undefined : Math.min(LONGEST_PAUSE_MS, Math.max(0, ms));
}

/**
 * What to do with a non-success answer: retry it, call the outcome unknown (an invite or
 * write that may have been applied), or report it.
 */
function retryRule(call: ServiceCall<string>, status: number, hasRetryAfter: boolean): 'retry' | 'unknown' | 'final' {
  // The service did not process the call: safe to repeat even an invite.
  if (status === 429 || (status === 503 && hasRetryAfter)) return 'retry';
  if (call.notIdempotent === true) return mayHaveBeenApplied(status) ? 'unknown' : 'final';
  return RETRIED_STATUSES.has(status) ? 'retry' : 'final';
}

/** Header values cannot hold line breaks or non-ASCII; such a stored value would make fetch throw. */
function usableAuthorization(value: string): string {
  if (typeof value !== 'string' || !/^[\x20-\x7e]+$/.test(value)) {
    throw new HandleStudioError(
      'NO_CREDENTIALS',
      'The stored Authorization value is not usable in a header (empty, line breaks or non-ASCII characters): paste the XBL3.0 x=<uhs>;<token> value again.',
    );
  }
  return value;
}

/** The credential source's own error (NO_CREDENTIALS, TOKEN_EXPIRED, UNAUTHORIZED...) or `fallback`. */
function credentialError(thrown: unknown, fallback: ErrorCode, service: string): AppError {
  if (thrown instanceof HandleStudioError) return thrown.toAppError();
  // Anything else is a bug in the credential source, and its text could hold what it was handling: not shown.
  return fallback === 'UNAUTHORIZED'
    ? { code: fallback, message: `${service} did not accept the token and renewing it failed: sign in again.` }
    : { code: fallback, message: 'No usable credentials for this profile: sign in or paste a token.' };
}

/**
 * The refusal of a request whose body holds the Authorization value `scrubber` was made from
 * (its token part, or a long piece of it, in any form the scrubber masks), or undefined. A
 * person may paste the token into a field such as an invite's context, and the service would
 * keep it and show it to the invitee's game. Applied before a call leaves (holdingToken) and,
 * in the same words, before a send that may wait is written to the outbox (requests/token-in-fields.ts).
 */
export function tokenInBody(service: string, body: string, scrubber: SecretScrubber): AppError | undefined {
  if (scrubber.text(body) === body) return undefined;
  return {
    code: 'VALIDATION',
    message: `Not sent: a field of this request holds the profile's Xbox Live token (or a long piece of it), which ${service} would keep and show to others. Remove it from the field (a context, connection string or custom property) and send again.`,
  };
}

/** A caller for one service endpoint and one credential source; `call` runs one request to its final answer. */
export function createServiceCaller(
  options: ServiceCallerOptions,
): <Kind extends string>(call: ServiceCall<Kind>, sendOptions?: SendOptions) => Promise<ServiceExchange<Kind>> {
  const { service, fetch, origin, authorization: source, clock, timeoutMs, maxRetries, bodyCap, maxRetryAfterMs, random } = options;
  const host = new URL(origin).host;

  // A token lives for hours and is 1-2 KB: it is checked once, not per call.
  let usableChecked: string | undefined;
  function usable(authorization: string): string {
    if (authorization !== usableChecked) usableChecked = usableAuthorization(authorization);
    return authorization;
  }

  // Likewise its scrubber (an index of the token's pieces) is built once, not per answer.
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

  /** The answer as it is kept: every header and the body scrubbed of our own Authorization, JSON parsed. */
  function received(response: Response, body: { text: string; truncated: boolean }, scrubber: SecretScrubber): ReceivedResponse {
    const headers: Record<string, string> = {};
    // Headers hands out lower-cased names (the Fetch standard), as ReceivedResponse keeps them.
    response.headers.forEach((value, name) => {
      headers[name] = scrubber.text(value);
    });
    const kept: ReceivedResponse = { status: response.status, headers, body: scrubber.text(body.text) };
    if (body.truncated) kept.bodyTruncated = true;
    else if (/json/i.test(headers['content-type'] ?? '') || /^\s*[[{]/.test(kept.body)) {
      try {
        kept.json = JSON.parse(kept.body);
        // An escaped echo (\u002B, \/) only shows once decoded: then the text is rewritten from the scrubbed JSON.
        if (kept.body.includes('\\')) {
          const decoded = scrubber.json(kept.json);
          kept.json = decoded.value;
          if (decoded.changed) kept.body = JSON.stringify(decoded.value);
        }
      } catch {
        // Not JSON after all (MPSD answers errors as text/plain): the text is kept as is.
      }
    }
    return kept;
  }

  type Attempt = { response: ReceivedResponse } | { error: AppError };

  async function attempt(
    call: ServiceCall<string>,
    init: RequestInit,
    authorization: string,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
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
    const cutOff = signal !== undefined && call.notIdempotent !== true;
    if (cutOff) {
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    }
    try {
      init.signal = controller.signal;
      const response = await fetch(call.request.url, init);
      const body = await readBody(response);
      // Everything the service said is scrubbed of our own Authorization before anyone keeps it.
      return { response: received(response, body, scrubberFor(authorization)) };
    } catch (thrown) {
      const notIdempotent = call.notIdempotent === true;
      return { error: networkFailure(thrown, { service, host, kind: call.kind, notIdempotent, timeoutMs, timedOut, callerAborted }) };
    } finally {
      clearTimeout(timer);
      if (cutOff) signal.removeEventListener('abort', onAbort);
    }
  }

  /** The service refused the token even after the one renewal: the source marks it refused everywhere. */
  function tellRefused(): void {
    try {
      source.refused?.();
    } catch {
      // The hook only updates what screens show; a fault there must not change this call's answer.
    }
  }

  /** An invite or write answered in a way that does not say whether the service applied it. */
  function unknownOutcome(call: ServiceCall<string>, response: ReceivedResponse): AppError {
    const said = options.serviceText(response);
    const details: Record<string, unknown> = { status: response.status, reason: 'unclear-answer' };
    if (said !== undefined) details.serviceText = said;
    const status = response.status;
    const why =
      status === 503
        ? 'without a Retry-After, which does not say whether it processed the call'
        : status === 502 || status === 504 || status === 408
          ? "a gateway's or proxy's answer, which can come after it passed the call on"
          : 'an error inside the service, which can come after the call was applied';
    return {
      code: 'OUTCOME_UNKNOWN',
      message: `${service} answered ${status}${said === undefined ? '' : ` ("${visibleValue(said)}")`}: ${why}. The ${call.kind} may or may not have been applied: check (e.g. in the invitee's notifications or with a query) before sending it again.`,
      details,
    };
  }

  /** A write answered 2xx by something whose answer is not the service's (a proxy's login page, a wrong endpoint). */
  function notTheServicesAnswer(call: ServiceCall<string>, response: ReceivedResponse, expected: string): AppError {
    const type = response.headers['content-type'] ?? 'no content type';
    const start = response.body.replace(/\s+/g, ' ').trim();
    const shown =
      start === ''
        ? 'an empty body'
        : `"${withoutTokenShapes(visibleValue(start.slice(0, ANSWER_EXCERPT)))}${start.length > ANSWER_EXCERPT ? '…' : ''}"`;
    return {
      code: 'OUTCOME_UNKNOWN',
      message: `${host} answered ${response.status} (${visibleValue(type)}) with ${shown}, which is not ${expected}: the request reached something that may or may not be ${service} (a proxy, a captive portal's sign-in page, a wrong endpoint), so the ${call.kind} may or may not have been applied. Check the endpoint (--endpoint, or the profile's) and any proxy, and check (e.g. in the invitee's notifications or with a query) before sending it again.`,
      details: { status: response.status, reason: 'not-the-services-answer', contentType: type },
    };
  }

  /** The request as fetch takes it; a redirect would carry the Authorization header to wherever it points. */
  function requestInit(request: SentRequest, authorization: string): RequestInit {
    const init: RequestInit = { method: request.method, headers: { ...request.headers, Authorization: authorization }, redirect: 'manual' };
    if (request.body !== undefined) init.body = request.body;
    return init;
  }

  /**
   * The request with its body scrubbed of the Authorization value (its token part, or a long
   * piece of it), since a person may paste the token into a field such as an invite's context;
   * the same object when the body holds none of it.
   */
  function recordable(request: SentRequest, authorization: string): SentRequest {
    if (request.body === undefined) return request;
    const body = scrubberFor(authorization).text(request.body);
    return body === request.body ? request : { ...request, body };
  }

  return async function callService<Kind extends string>(call: ServiceCall<Kind>, sendOptions: SendOptions = {}) {
    const { signal, budget } = sendOptions;
    const startedAt = clock.now();
    let attempts = 0;
    // Scrubbed with every Authorization this call uses (a renewal brings another one).
    let recorded = call.request;
    const ended = (response: ReceivedResponse | undefined, error?: AppError): ServiceExchange<Kind> => {
      const exchange: ServiceExchange<Kind> = {
        kind: call.kind,
        request: recorded,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: clock.now() - startedAt,
        attempts,
      };
      if (response !== undefined) {
        exchange.response = response;
        const correlationId = response.headers['x-xblcorrelationid'] ?? response.headers['ms-cv'];
        if (correlationId !== undefined) exchange.correlationId = correlationId;
      }
      if (error !== undefined) exchange.error = error;
      return exchange;
    };
    const cancelledBeforeSending = (response?: ReceivedResponse) =>
      ended(response, { code: 'CANCELLED', message: `Cancelled before the request was sent: ${service} did not process it.` });

    /**
     * A body holding the token (see tokenInBody) is not sent. What is recorded of it is
     * scrubbed, so History never holds it either.
     */
    const holdingToken = (authorization: string): ServiceExchange<Kind> | undefined => {
      const refused = recorded.body === undefined ? undefined : tokenInBody(service, recorded.body, scrubberFor(authorization));
      if (refused === undefined) return undefined;
      recorded = recordable(recorded, authorization);
      return ended(undefined, refused);
    };

    let authorization: string;
    try {
      authorization = usable(await source.current());
    } catch (thrown) {
      return ended(undefined, credentialError(thrown, 'NO_CREDENTIALS', service));
    }
    const refusedBeforeSending = holdingToken(authorization);
    if (refusedBeforeSending !== undefined) return refusedBeforeSending;
    let init = requestInit(call.request, authorization);

    let renewed = false;
    let retries = 0;
    let last: ReceivedResponse | undefined;
    for (;;) {
      if (signal?.aborted) return cancelledBeforeSending(last);
      if (budget !== undefined) {
        try {
          await budget.take(signal, origin);
        } catch (thrown) {
          // The budget refuses at once while the service's pause lasts longer than we wait (THROTTLED, with when).
          const refused = toAppError(thrown);
          return refused.code === 'THROTTLED' ? ended(last, refused) : cancelledBeforeSending(last);
        }
      }
      attempts += 1;
      const outcome = await attempt(call, init, authorization, signal);
      if ('error' in outcome) return ended(undefined, outcome.error);
      const response = outcome.response;
      last = response;
      const status = response.status;
      if (status >= 200 && status < 300) {
        const expected = call.notIdempotent === true ? options.notItsAnswer(call.kind, response) : undefined;
        return ended(response, expected === undefined ? undefined : notTheServicesAnswer(call, response, expected));
      }

      if (status === 401 && !renewed) {
        // A 401 means the service did not process the call, so one retry with a fresh token is safe.
        renewed = true;
        try {
          authorization = usable(await source.renew());
        } catch (thrown) {
          const error = credentialError(thrown, 'UNAUTHORIZED', service);
          if (error.code === 'UNAUTHORIZED') tellRefused();
          return ended(response, error);
        }
        const refusedAfterRenewal = holdingToken(authorization);
        if (refusedAfterRenewal !== undefined) return refusedAfterRenewal;
        init = requestInit(call.request, authorization);
        continue;
      }
      if (status === 401) tellRefused();

      const now = clock.now();
      const after = retryAfterMs(response.headers, now);
      const rule = retryRule(call, status, after !== undefined);
      if (rule === 'unknown') return ended(response, unknownOutcome(call, response));
      // The service's pause holds for every call of this user to it, in every process, not just this one.
      if ((status === 429 || status === 503) && after !== undefined) budget?.backOffUntil(now + after, origin);
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
      return ended(response, options.statusError(call.kind, response, asked, retries));
    }
  };
}
