/**
 * The one place that talks HTTP to MPA (Multiplayer Activity). Like the MPSD client, `send`
 * never throws for what the network or the service does: it returns an MpaExchange whose
 * `error` says what happened, with the Authorization value masked wherever it is recorded.
 *
 * Retries, pacing, timeouts and masking are the loop the MPSD client shares
 * (../xbox-live/service-call.ts), for the same reason: a call that may have been applied is
 * never repeated on a guess. An invite repeated would reach its invitees twice, and an
 * activity write repeated with its sequence number is refused as stale, so both are
 * `notIdempotent`; reads and recent players are repeatable. This file composes MPA's
 * requests and words MPA's errors.
 */
import type { AppError, ErrorCode } from '../../shared/errors.ts';
import { AUTHORIZATION_PLACEHOLDER, type ReceivedResponse, type SentRequest } from '../../shared/mpsd/wire.ts';
import { MPA_CONTENT_TYPE, MPA_CONTRACT_VERSION, type MpaWire } from '../../shared/mpa/wire.ts';
import { describeRetryAt, MAX_WAITED_PAUSE_MS, retryDetails } from '../mpsd/rate-budget.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { checkedOption, createServiceCaller, type RetryAsked, type SendOptions, type ServiceExchange } from '../xbox-live/service-call.ts';

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
export type MpaExchange = ServiceExchange<MpaWire['kind']>;

export interface MpaClient {
  send(wire: MpaWire, options?: SendOptions): Promise<MpaExchange>;
}

const BODY_CAP = 256 * 1024;

/** What MPA said: its `debugMessage`/`errorCode` (XBL-REST ErrorResponse), or the text. */
function serviceText(response: ReceivedResponse): string | undefined {
  const json = response.json as Record<string, unknown> | undefined;
  const said =
    typeof json?.debugMessage === 'string' ? json.debugMessage : typeof json?.errorCode === 'string' ? json.errorCode : response.body;
  const text = said.replace(/\s+/g, ' ').trim().slice(0, 500);
  return text === '' ? undefined : text;
}

/**
 * MPA answers every write with 204 and no body (mpa.md §2, E1/E2/E5/E7); a body means the
 * request reached something that may or may not be MPA (a proxy's or captive portal's page).
 */
function notMpasAnswer(_kind: string, response: ReceivedResponse): string | undefined {
  return response.body.trim() === '' ? undefined : "MPA's answer to a write (204, no body)";
}

export function createMpaClient(options: MpaClientOptions): MpaClient {
  const { clock } = options;
  const origin = new URL(options.baseUrl).origin;

  /** What goes out, with the Authorization placeholder: the shared loop adds the real value per attempt. */
  function compose(wire: MpaWire): SentRequest {
    const headers: Record<string, string> = { Authorization: AUTHORIZATION_PLACEHOLDER, 'x-xbl-contract-version': MPA_CONTRACT_VERSION };
    if (wire.body !== undefined) headers['Content-Type'] = MPA_CONTENT_TYPE;
    const sent: SentRequest = { method: wire.method, url: `${origin}${wire.path}`, headers };
    if (wire.body !== undefined) sent.body = JSON.stringify(wire.body);
    return sent;
  }

  function statusError(kind: string, response: ReceivedResponse, asked: RetryAsked | undefined): AppError {
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
        return answer('MPSD_REJECTED', `MPA refused the ${kind} as invalid (400)${quoted}.`);
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
        return answer('MPSD_REJECTED', `MPA answered ${response.status} for this ${kind}${quoted}.`);
    }
  }

  const callMpa = createServiceCaller({
    service: 'MPA',
    fetch: options.fetch,
    origin,
    authorization: options.authorization,
    clock,
    timeoutMs: checkedOption('timeoutMs', options.timeoutMs, 15_000),
    maxRetries: checkedOption('maxRetries', options.maxRetries, 3, true),
    bodyCap: BODY_CAP,
    maxRetryAfterMs: MAX_WAITED_PAUSE_MS,
    random: options.random ?? Math.random,
    serviceText,
    statusError,
    notItsAnswer: notMpasAnswer,
  });

  return {
    send: (wire, sendOptions) => callMpa({ kind: wire.kind, notIdempotent: wire.notIdempotent, request: compose(wire) }, sendOptions),
  };
}
