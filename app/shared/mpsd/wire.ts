/**
 * What goes on the wire and what came back, as plain data. Built by the request builders
 * (pure, in app/shared), sent by the MPSD client (app/core/mpsd), kept by history, shown by
 * the response viewer and exported as curl / .http. The Authorization value is never part
 * of these objects: the client adds it at send time and records only the masked form.
 */
import type { AppError } from '../errors.ts';
import type { SessionRef } from './session-ref.ts';

/** Every kind of call the app makes; history filters on these. */
export const requestKinds = [
  'activity.set',
  'activity.clear',
  'activity.query',
  'invite.send',
  'handle.get',
  'handle.delete',
  'handle.session',
  'handle.join',
  'transfer.create',
  'search.create',
  'search.query',
  'session.join',
  'session.get',
  'session.leave',
] as const;
export type RequestKind = (typeof requestKinds)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One HTTP request to MPSD, before credentials and base URL are applied. */
export interface WireRequest {
  kind: RequestKind;
  method: HttpMethod;
  /** Path plus query string, e.g. `/handles/query?include=relatedInfo`. */
  path: string;
  /** Headers other than Authorization, x-xbl-contract-version and Accept-Language (the client adds those). */
  headers: Record<string, string>;
  /** The JSON body, exactly as it will be serialised. */
  body?: unknown;
  /** Context for history and fan-out: which session, which invitee. */
  sessionRef?: SessionRef;
  invitedXuid?: string;
  /** True for calls that must never be retried once they may have reached MPSD (invites, session writes). */
  notIdempotent: boolean;
}

/** The request as it actually went out, Authorization masked. */
export interface SentRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ReceivedResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Text body, capped by the client. */
  body: string;
  /** The parsed body when it was JSON. */
  json?: unknown;
  /** True when the body was longer than the client keeps; `body` is then its beginning and `json` is absent. */
  bodyTruncated?: boolean;
}

/** One attempt's whole story: what went out, what came back, how long it took, what it means. */
export interface MpsdExchange {
  kind: RequestKind;
  request: SentRequest;
  response?: ReceivedResponse;
  /** X-XblCorrelationId, falling back to MS-CV. */
  correlationId?: string;
  /** The handle id MPSD returned (invite/activity creation) or the one addressed. */
  handleId?: string;
  sessionRef?: SessionRef;
  invitedXuid?: string;
  startedAt: string;
  /** From the first attempt to the last answer, including any Retry-After waits. */
  durationMs: number;
  /** HTTP attempts made (more than 1 after a 401 renewal or a 429/503 retry). */
  attempts?: number;
  /** Absent on success. OUTCOME_UNKNOWN when a non-idempotent call may or may not have landed. */
  error?: AppError;
}

/** The placeholder exports and previews show instead of a real Authorization value. */
export const AUTHORIZATION_PLACEHOLDER = 'XBL3.0 x=<uhs>;<token>';
