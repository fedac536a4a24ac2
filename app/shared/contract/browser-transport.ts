/**
 * Browser mode's wire, the one place it is written down: how the page (`renderer/src/api.ts`)
 * reaches the local host (`app/host/server.ts`). Electron does not use it; its preload speaks
 * IPC. Every call is `POST /api/call/<channel>` with JSON in and a `Result` out; events come as
 * Server-Sent Events from `/api/events`, one SSE event per contract event, under its name.
 */
import type { Result } from '../errors.ts';
import type { ChannelName } from './names.ts';

/** Everything under this path is the API and needs the token; the rest is the page's files. */
export const API_PATH_PREFIX = '/api/';
/** Calls: this path, then the channel's name. */
export const CALL_PATH_PREFIX = `${API_PATH_PREFIX}call/`;
/** The event stream (GET, text/event-stream). */
export const EVENTS_PATH = `${API_PATH_PREFIX}events`;
/**
 * Streamed downloads (history exports): this path, then a one-use ticket the export call
 * answered with. A link the page clicks carries no header, so the unguessable ticket, good for
 * one download within a minute, stands in for the token.
 */
export const DOWNLOAD_PATH_PREFIX = `${API_PATH_PREFIX}download/`;
/** The per-run token travels in this header on calls… */
export const TOKEN_HEADER = 'x-handle-studio-token';
/** …and in this query parameter where no header can be set: the printed URL and the EventSource. */
export const TOKEN_PARAM = 'token';

export const callPath = (name: ChannelName): string => `${CALL_PATH_PREFIX}${name}`;

export const eventsPath = (token: string): string => `${EVENTS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;

/** The address the host prints: the page at `origin`, with the token the page then keeps. */
export const pageUrl = (origin: string, token: string): string => `${origin}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`;

/** The part of `fetch` a call needs, so the host's tests can drive the page's side in Node. */
export type CallFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ status: number; text(): Promise<string> }>;

/**
 * One channel call over HTTP. The three ways it can go wrong stay apart, because each asks the
 * person for something different: the host did not answer at all (is it still running?), it
 * answered without a result (an HTTP error such as 413 or 500: the app itself failed), or the
 * token was refused (open the printed URL).
 */
export async function callOverHttp(fetch: CallFetch, token: string, name: ChannelName, input: unknown): Promise<Result<unknown>> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(callPath(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(input),
    });
    status = response.status;
    text = await response.text();
  } catch {
    return { ok: false, error: { code: 'OFFLINE', message: 'Handle Studio (browser mode) is not answering: is it still running?' } };
  }
  if (status === 401) {
    return {
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'This page has no valid token: open the URL that Handle Studio printed when it started.' },
    };
  }
  const result = resultIn(text);
  if (result) return result;
  const said = text.trim().slice(0, 200);
  return {
    ok: false,
    error: {
      code: 'INTERNAL',
      message: `Handle Studio answered with an error (HTTP ${status})${said ? `: ${said}` : '.'}`,
      details: { status },
    },
  };
}

/** The `Result` a call's body holds, or null when it holds none (a plain-text error page). */
function resultIn(text: string): Result<unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { ok?: unknown }).ok !== 'boolean') return null;
  return parsed as Result<unknown>;
}
