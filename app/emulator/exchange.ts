/**
 * What a route sees of an MPSD request and what it answers, plus the state the routes
 * share. The server does the HTTP (bodies, correlation headers, auth, rate limits); routes
 * only speak MPSD.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HandleBook } from './handles.ts';
import type { ServiceConfigAccess } from './service-configs.ts';
import type { SessionDirectory } from './sessions.ts';
import type { Caller, UserDirectory } from './user-directory.ts';
import { checkJsonContentType, parseJsonBody } from './wire-checks.ts';

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
  counters: EmulatorCounters;
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
