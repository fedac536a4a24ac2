/**
 * What a route sees of an MPSD request and what it answers, plus the state the routes
 * share. The server does the HTTP (bodies, correlation headers, auth, rate limits); routes
 * only speak MPSD.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FollowGraph } from './follow-graph.ts';
import type { HandleBook } from './handles.ts';
import type { MpaState } from './mpa/mpa-state.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { ServiceConfigAccess } from './service-configs.ts';
import type { SessionDirectory } from './sessions.ts';
import type { Caller, UserDirectory } from './user-directory.ts';
import { MpsdRefusal, checkJsonContentType, parseJsonBody } from './wire-checks.ts';

export interface MpsdCall {
  method: string;
  /** Decoded path segments, e.g. ['handles', '<id>', 'session']. */
  segments: string[];
  search: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  caller: Caller;
}

export interface MpsdAnswer {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface EmulatorCounters {
  /** MPSD calls received, faulted and throttled ones included; control API calls are not counted. */
  requests: number;
  /** Calls answered 429. */
  throttled: number;
  /** Handles of every type created. */
  handlesCreated: number;
  /** Invite handles created. */
  invitesCreated: number;
}

export interface EmulatorState {
  directory: UserDirectory;
  sessions: SessionDirectory;
  handles: HandleBook;
  access: ServiceConfigAccess;
  follows: FollowGraph;
  /** Search handles' own budgets (reads and writes apart); null when rate limits are off. */
  searchLimits: { read: RateLimiter; write: RateLimiter } | null;
  /** The local MPA (Multiplayer Activity), served beside MPSD under `/titles/`. */
  mpa: MpaState;
  counters: EmulatorCounters;
}

/** Spends one search-handle call of the caller's budget, or throws MPSD's 429. */
export function spendSearchBudget(call: MpsdCall, state: EmulatorState, kind: 'read' | 'write'): void {
  const throttle = state.searchLimits?.[kind].admit(`${call.caller.xuid}/${call.caller.titleId ?? ''}`) ?? null;
  if (throttle === null) return;
  state.counters.throttled += 1;
  throw new MpsdRefusal(429, 'Rate limited.', { 'Retry-After': String(throttle.retryAfterSeconds) }, throttle.body);
}

/** A request header as one string (Node joins repeats for most headers). */
export function headerOf(call: MpsdCall, name: string): string | undefined {
  const value = call.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The JSON body of a call, after checking it was declared as JSON. */
export function jsonBodyOf(call: MpsdCall): unknown {
  checkJsonContentType(headerOf(call, 'content-type'));
  return parseJsonBody(call.body);
}
