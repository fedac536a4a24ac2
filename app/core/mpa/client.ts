/**
 * The one place that talks HTTP to MPA (Multiplayer Activity). Like the MPSD client, `send`
 * never throws for what the network or the service does: it returns an MpaExchange whose
 * `error` says what happened, with the Authorization value masked wherever it is recorded.
 *
 * Retries follow the MPSD client's table (client.ts in ../mpsd), for the same reason: a call
 * that may have been applied is never repeated on a guess.
 * - 401: renew the token once and retry (MPA did not process the call).
 * - 429, or 503 with Retry-After: wait it out and retry, pausing the bucket for every process.
 * - reads and recent players (repeatable): 408/500/502/503/504 retried with backoff from 2 s.
 * - invites and activity writes: 502/503/504 without Retry-After, or no answer, is
 *   OUTCOME_UNKNOWN; an invite repeated would reach its invitees twice, and an activity write
 *   repeated with its sequence number is refused as stale.
 */
import type { AppError, ErrorCode } from '../../shared/errors.ts';
import { HandleStudioError, toAppError } from '../../shared/errors.ts';
import { AUTHORIZATION_PLACEHOLDER, type ReceivedResponse, type SentRequest } from '../../shared/mpsd/wire.ts';
import { MPA_CONTENT_TYPE, MPA_CONTRACT_VERSION, type MpaWire } from '../../shared/mpa/wire.ts';
import { BLOCKED_PORT, failureClues, NOT_SENT_CHROMIUM, NOT_SENT_CODES, retryAfterMs, usableAuthorization } from '../mpsd/client.ts';
import { describeRetryAt, MAX_WAITED_PAUSE_MS, retryDetails, type RateBudget } from '../mpsd/rate-budget.ts';
import { createSecretScrubber } from '../mpsd/secret-scrubber.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';

export interface MpaClientOptions {
  fetch: FetchLike;
  /** An origin such as https://multiplayeractivity.xboxlive.com (see mpaBaseUrlFor). */
  baseUrl: string;
  authorization: AuthorizationSource;
  clock: Clock;
  /** Per attempt. Default 15000. */
  timeoutMs?: number;
  /** Retries after 429/503 (and 5xx for repeatable calls). Default 3. */
  maxRetries?: number;
  random?: () => number;
}

/** One MPA call's whole story. */
export interface MpaExchange {
  kind: MpaWire['kind'];
  request: SentRequest;
  response?: ReceivedResponse;
  correlationId?: string;
  startedAt: string;
  durationMs: number;
  attempts: number;
  error?: AppError;
}

export interface MpaClient {
  send(wire: MpaWire, options?: { budget?: RateBudget; signal?: AbortSignal }): Promise<MpaExchange>;
}

const FIRST_BACKOFF_MS = 2000;
const BODY_CAP = 256 * 1024;
const REPEATABLE_STATUSES = new Set([408, 500, 502, 503, 504]);
const MAY_HAVE_BEEN_APPLIED = new Set([502, 503, 504]);

/** What MPA said: its `debugMessage`/`errorCode` (XBL-REST ErrorResponse), or the text. */
function serviceText(response: ReceivedResponse): string | undefined {
  const json = response.json as Record<string, unknown> | undefined;
  const said =
    typeof json?.debugMessage === 'string' ? json.debugMessage : typeof json?.errorCode === 'string' ? json.errorCode : response.body;
  const text = said.replace(/\s+/g, ' ').trim().slice(0, 500);
  return text === '' ? undefined : text;
}

export function createMpaClient(options: MpaClientOptions): MpaClient {
  const { fetch, clock, authorization: source } = options;
  const origin = new URL(options.baseUrl).origin;
  const host = new URL(origin).host;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = options.maxRetries ?? 3;
  const random = options.random ?? Math.random;

  function compose(wire: MpaWire, authorization: string): SentRequest {
    const headers: Record<string, string> = { Authorization: authorization, 'x-xbl-contract-version': MPA_CONTRACT_VERSION };
    if (wire.body !== undefined) headers['Content-Type'] = MPA_CONTENT_TYPE;
    const sent: SentRequest = { method: wire.method, url: `${origin}${wire.path}`, headers };
    if (wire.body !== undefined) sent.body = JSON.stringify(wire.body);
    return sent;
  }

  function networkError(wire: MpaWire, thrown: unknown, timedOut: boolean): AppError {
    const unknownOutcome = (why: string): AppError => ({
      code: 'OUTCOME_UNKNOWN',
      message: `${why}: the ${wire.kind} may or may not have been applied. Check (a query, or the invitee's notifications) before sending it again.`,
    });
    if (timedOut) {
      return wire.notIdempotent
        ? unknownOutcome(`MPA did not answer within ${timeoutMs / 1000} s`)
        : { code: 'TIMEOUT', message: `MPA did not answer within ${timeoutMs / 1000} s. Try again.` };
    }
    const clues = failureClues(thrown);
    const code = clues.codes[0] ?? 'unknown';
    if (BLOCKED_PORT.test(clues.text))
      return { code: 'OFFLINE', message: `${host} uses a port fetch refuses (such as 9 or 6000): nothing was sent. Use another port.` };
    if (clues.codes.some((candidate) => NOT_SENT_CODES.has(candidate)) || NOT_SENT_CHROMIUM.test(clues.text)) {
      return {
        code: 'OFFLINE',
        message: `Could not reach ${host} (${code}): nothing was sent. Check the network, proxy or VPN, then send again.`,
        details: { networkCode: code },
      };
    }
    return wire.notIdempotent
      ? unknownOutcome(`The connection to ${host} was lost before it answered (${code})`)
      : { code: 'TIMEOUT', message: `The connection to ${host} was lost before it answered (${code}). Try again.` };
  }

  function statusError(wire: MpaWire, response: ReceivedResponse, asked?: { retryAt: number; tooLong: boolean }): AppError {
    const said = serviceText(response);
    const quoted = said === undefined ? '' : `: "${said}"`;
    const details: Record<string, unknown> = { status: response.status };
    if (said !== undefined) details.serviceText = said;
    const now = clock.now();
    if (asked !== undefined) Object.assign(details, retryDetails(asked.retryAt, now));
    const answer = (code: ErrorCode, message: string): AppError => ({ code, message, details });
    const later = asked === undefined ? 'later' : `after ${describeRetryAt(asked.retryAt, now)}`;
    switch (response.status) {
      case 400:
        return answer('MPSD_REJECTED', `MPA refused the ${wire.kind} as invalid (400)${quoted}.`);
      case 401:
        return answer(
          'UNAUTHORIZED',
          `MPA did not accept the token (401) even after renewing it${quoted}. Sign in again or paste a fresh token.`,
        );
      case 403:
        return answer(
          'FORBIDDEN',
          `MPA refused access (403)${quoted}. A player sets only their own activity, with a token for this title.`,
        );
      case 404:
        return answer('NOT_FOUND', `MPA found no such path (404)${quoted}. Check the title id.`);
      case 429: {
        const limits = (response.json ?? {}) as Record<string, unknown>;
        for (const key of ['currentRequests', 'maxRequests', 'periodInSeconds']) if (limits[key] !== undefined) details[key] = limits[key];
        const window =
          typeof limits.maxRequests === 'number' && typeof limits.periodInSeconds === 'number'
            ? ` (at most ${limits.maxRequests} per ${limits.periodInSeconds} s)`
            : '';
        return answer('THROTTLED', `MPA rate limit reached${window}; nothing was sent: send again ${later}.`);
      }
      case 503:
        return answer('SERVICE_UNAVAILABLE', `MPA is overloaded (503)${quoted}; send again ${later}.`);
      default:
        if (response.status >= 300 && response.status < 400) {
          return answer(
            'MPSD_REJECTED',
            `MPA answered with a redirect (${response.status}) that Handle Studio does not follow, so the token is not sent elsewhere.`,
          );
        }
        return answer('MPSD_REJECTED', `MPA answered ${response.status} for this ${wire.kind}${quoted}.`);
    }
  }

  /** The token was refused for good: the source marks it so every screen shows it; a fault there must not change this answer. */
  function tellRefused(): void {
    try {
      source.refused?.();
    } catch {
      // Only what screens show depends on it.
    }
  }

  async function attempt(
    wire: MpaWire,
    sent: SentRequest,
    authorization: string,
  ): Promise<{ response: ReceivedResponse } | { error: AppError }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const init: RequestInit = {
        method: sent.method,
        headers: { ...sent.headers, Authorization: authorization },
        signal: controller.signal,
        redirect: 'manual',
      };
      if (sent.body !== undefined) init.body = sent.body;
      const answer = await fetch(sent.url, init);
      const scrubber = createSecretScrubber(authorization);
      const text = scrubber.text((await answer.text()).slice(0, BODY_CAP));
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = scrubber.text(value);
      });
      const response: ReceivedResponse = { status: answer.status, headers, body: text };
      if (/^\s*[[{]/.test(text)) {
        try {
          response.json = JSON.parse(text);
        } catch {
          // Not JSON after all: the text is kept as it came.
        }
      }
      return { response };
    } catch (thrown) {
      return { error: networkError(wire, thrown, timedOut) };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async send(wire, sendOptions = {}) {
      const { budget, signal } = sendOptions;
      const startedAt = clock.now();
      const masked = compose(wire, AUTHORIZATION_PLACEHOLDER);
      let attempts = 0;
      const finish = (fields: { response?: ReceivedResponse | undefined; error?: AppError }): MpaExchange => {
        const exchange: MpaExchange = {
          kind: wire.kind,
          request: masked,
          startedAt: new Date(startedAt).toISOString(),
          durationMs: clock.now() - startedAt,
          attempts,
        };
        if (fields.response !== undefined) {
          exchange.response = fields.response;
          const correlationId = fields.response.headers['x-xblcorrelationid'] ?? fields.response.headers['ms-cv'];
          if (correlationId !== undefined) exchange.correlationId = correlationId;
        }
        if (fields.error !== undefined) exchange.error = fields.error;
        return exchange;
      };
      const cancelled = (response?: ReceivedResponse) =>
        finish({ response, error: { code: 'CANCELLED', message: 'Cancelled before the request was sent: MPA did not process it.' } });

      let authorization: string;
      try {
        authorization = usableAuthorization(await source.current());
      } catch (thrown) {
        return finish({
          error:
            thrown instanceof HandleStudioError
              ? thrown.toAppError()
              : { code: 'NO_CREDENTIALS', message: 'No usable credentials: sign in or paste a token.' },
        });
      }
      let renewed = false;
      let retries = 0;
      let last: ReceivedResponse | undefined;
      for (;;) {
        if (signal?.aborted) return cancelled(last);
        if (budget !== undefined) {
          try {
            await budget.take(signal);
          } catch (thrown) {
            const refused = toAppError(thrown);
            return refused.code === 'THROTTLED' ? finish({ response: last, error: refused }) : cancelled(last);
          }
        }
        attempts += 1;
        const outcome = await attempt(wire, masked, authorization);
        if ('error' in outcome) return finish({ error: outcome.error });
        const { response } = outcome;
        last = response;
        const status = response.status;
        if (status >= 200 && status < 300) return finish({ response });
        if (status === 401 && !renewed) {
          renewed = true;
          try {
            authorization = usableAuthorization(await source.renew());
          } catch (thrown) {
            const error = toAppError(thrown);
            if (error.code === 'UNAUTHORIZED') tellRefused();
            return finish({ response, error });
          }
          continue;
        }
        if (status === 401) tellRefused();
        const now = clock.now();
        const after = retryAfterMs(response.headers, now);
        const notProcessed = status === 429 || (status === 503 && after !== undefined);
        if (notProcessed && after !== undefined) budget?.backOffUntil(now + after);
        if (!notProcessed && wire.notIdempotent && MAY_HAVE_BEEN_APPLIED.has(status)) {
          const said = serviceText(response);
          return finish({
            response,
            error: {
              code: 'OUTCOME_UNKNOWN',
              message: `MPA answered ${status}${said === undefined ? '' : ` ("${said}")`} without a Retry-After: the ${wire.kind} may or may not have been applied. Check before sending it again.`,
              details: { status },
            },
          });
        }
        const retryable = notProcessed || (!wire.notIdempotent && REPEATABLE_STATUSES.has(status));
        const wait = after ?? FIRST_BACKOFF_MS * 2 ** retries;
        if (retryable && retries < maxRetries && wait <= MAX_WAITED_PAUSE_MS) {
          retries += 1;
          try {
            await clock.sleep(wait * (1 + 0.2 * random()), signal);
          } catch {
            return cancelled(response);
          }
          continue;
        }
        const asked = after === undefined ? undefined : { retryAt: now + after, tooLong: after > MAX_WAITED_PAUSE_MS };
        return finish({ response, error: statusError(wire, response, asked) });
      }
    },
  };
}
