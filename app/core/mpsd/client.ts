/**
 * The one place that talks HTTP to MPSD. `send` never throws for anything the network or
 * the service does: it returns an MpsdExchange whose `error` says what happened in MPSD's
 * own words, with the Authorization value masked everywhere it is recorded.
 *
 * Retries, pacing, timeouts and masking are the loop MPA's client shares
 * (../xbox-live/service-call.ts, whose table says which answer is retried); this file
 * composes MPSD's requests, words MPSD's errors and records the exchange.
 */
import { toAppError, type AppError, type ErrorCode } from '../../shared/errors.ts';
import type { ContractVersion } from '../../shared/mpsd/ids.ts';
import { createRequestComposer } from '../../shared/mpsd/http-export.ts';
import type { MpsdExchange, ReceivedResponse, SentRequest, WireRequest } from '../../shared/mpsd/wire.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { checkedOption, createServiceCaller, type RetryAsked, type SendOptions } from '../xbox-live/service-call.ts';
import { describeRetryAt, MAX_WAITED_PAUSE_MS, retryDetails } from './rate-budget.ts';

export type { SendOptions } from '../xbox-live/service-call.ts';

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

export interface MpsdClient {
  send(wire: WireRequest, options?: SendOptions): Promise<MpsdExchange>;
}

const DEFAULT_BODY_CAP = 256 * 1024;
/** How much of the service's text goes into an error message (the whole body stays in the exchange). */
const SERVICE_TEXT_MAX = 500;

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

/** Writes MPSD answers with the handle it created (mpsd-sessions-and-invitees.md §4: 201 and the handle document, `id` and more). */
const CREATES_A_HANDLE: ReadonlySet<string> = new Set(['activity.set', 'invite.send', 'transfer.create', 'search.create']);

/**
 * What MPSD answers this write with, when a 2xx is not that (a proxy's or captive portal's page,
 * `{}`, broken JSON): the request then reached something that may or may not be MPSD.
 */
function notMpsdsAnswer(kind: string, response: ReceivedResponse): string | undefined {
  const json = response.json;
  const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
  if (CREATES_A_HANDLE.has(kind)) {
    const id = isObject ? (json as { id?: unknown }).id : undefined;
    return typeof id === 'string' && HANDLE_ID.test(id) ? undefined : "MPSD's handle document (JSON with the new handle's id)";
  }
  // A join through a handle answers the session document, or nothing.
  return isObject || response.body.trim() === '' ? undefined : "MPSD's answer (a JSON document or nothing)";
}

/** Creates a client for one profile's endpoint and credentials. Throws VALIDATION for bad options. */
export function createMpsdClient(options: MpsdClientOptions): MpsdClient {
  const { clock } = options;
  const compose = createRequestComposer(options.baseUrl, options.contractVersion, options.locale);

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
  function statusError(kind: string, response: ReceivedResponse, asked: RetryAsked | undefined, retries: number): AppError {
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
          `MPSD found nothing there (404)${quotedEnd} ${kind === 'activity.set' ? 'Join the session first, then set the activity.' : 'Check the SCID, template, session name or handle id.'}`,
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
        return answer('MPSD_REJECTED', `MPSD answered ${status} for this ${kind}${quotedEnd}`);
    }
  }

  const callMpsd = createServiceCaller({
    service: 'MPSD',
    fetch: options.fetch,
    origin: new URL(options.baseUrl).origin,
    authorization: options.authorization,
    clock,
    timeoutMs: checkedOption('timeoutMs', options.timeoutMs, 15_000),
    maxRetries: checkedOption('maxThrottleRetries', options.maxThrottleRetries, 3, true),
    bodyCap: checkedOption('responseBodyCap', options.responseBodyCap, DEFAULT_BODY_CAP, true),
    maxRetryAfterMs: checkedOption('maxRetryAfterMs', options.maxRetryAfterMs, MAX_WAITED_PAUSE_MS),
    random: options.random ?? Math.random,
    serviceText,
    statusError,
    notItsAnswer: notMpsdsAnswer,
  });

  return {
    async send(wire, sendOptions) {
      let request: SentRequest;
      try {
        request = compose(wire);
      } catch (thrown) {
        // A wire that cannot be sent safely (see checkWire) is answered like any failure, untouched.
        return {
          kind: wire.kind,
          request: { method: wire.method, url: '', headers: {} },
          startedAt: new Date(clock.now()).toISOString(),
          durationMs: 0,
          attempts: 0,
          error: toAppError(thrown),
        };
      }
      const exchange: MpsdExchange = await callMpsd({ kind: wire.kind, notIdempotent: wire.notIdempotent, request }, sendOptions);
      if (wire.sessionRef !== undefined) exchange.sessionRef = wire.sessionRef;
      if (wire.invitedXuid !== undefined) exchange.invitedXuid = wire.invitedXuid;
      // A created handle's id is in the answer; otherwise (and after a failure) the path names it.
      const handleId = handleIdOf(wire, exchange.error === undefined ? exchange.response?.json : undefined);
      if (handleId !== undefined) exchange.handleId = handleId;
      return exchange;
    },
  };
}
