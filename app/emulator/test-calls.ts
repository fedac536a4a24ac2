/**
 * What the emulator's tests share: a way to call the local MPSD as one of its users with
 * real `fetch`, the well-formed bodies that tests then break one field at a time, and a
 * clock tests move by hand. Used only by `*.test.ts` files.
 */
import type { LocalMpsd, LocalMpsdUser } from './index.ts';

export const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
export const OTHER_SCID = '00000000-1111-2222-3333-444444444444';
export const TEMPLATE = 'GameSession';

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  /** Extra headers; a header set to null is left out. */
  headers?: Record<string, string | null>;
  signal?: AbortSignal;
}

/** A clock whose time only moves when a test says so. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

/** Calls the emulator as `user` with the headers a correct client sends. */
export async function callAs(
  mpsd: LocalMpsd,
  user: LocalMpsdUser | null,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string | null> = {
    'x-xbl-contract-version': '107',
    'Accept-Language': 'en-US',
    ...(user === null ? {} : { Authorization: user.authorization }),
    ...(options.body !== undefined || options.rawBody !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    ...options.headers,
  };
  const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== null));
  const init: RequestInit = { method, headers: sent };
  if (options.rawBody !== undefined) init.body = options.rawBody;
  else if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal !== undefined) init.signal = options.signal;
  const response = await fetch(`${mpsd.url}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function sessionPath(name: string, scid = SCID, template = TEMPLATE): string {
  return `/serviceconfigs/${scid}/sessionTemplates/${template}/sessions/${name}`;
}

/** The PUT body that joins (or creates) a session as an active member. */
export function joinBody(user: LocalMpsdUser, active = true) {
  return {
    members: {
      me: {
        constants: { system: { initialize: true, xuid: user.xuid } },
        properties: { system: { active } },
      },
    },
  };
}

export function joinSession(mpsd: LocalMpsd, user: LocalMpsdUser, name: string, active = true): Promise<CallResult> {
  return callAs(mpsd, user, 'PUT', sessionPath(name), { body: joinBody(user, active) });
}

export function activityBody(name: string, scid = SCID) {
  return { version: 1, type: 'activity', sessionRef: { scid, templateName: TEMPLATE, name } };
}

export function inviteBody(invitedXuid: string, name = 'lobby') {
  return {
    version: 1,
    type: 'invite',
    sessionRef: { scid: SCID, templateName: TEMPLATE, name },
    invitedXuid,
    inviteAttributes: { titleId: '1234' },
  };
}

export function userAt(mpsd: LocalMpsd, index: number): LocalMpsdUser {
  const user = mpsd.users[index];
  if (user === undefined) throw new Error(`The emulator has no user #${index}.`);
  return user;
}
