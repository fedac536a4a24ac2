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

/** The session's path as MPSD's Content-Location writes it: `sessiontemplates` in lowercase. */
export function locatedPath(name: string, scid = SCID, template = TEMPLATE): string {
  return `/serviceconfigs/${scid}/sessiontemplates/${template}/sessions/${name}`;
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

/** Calls the control API (`/_emulator/...`) with a JSON body. */
export async function control(mpsd: LocalMpsd, method: string, path: string, body?: unknown): Promise<CallResult> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${mpsd.url}/_emulator/${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Makes `follower` follow each of `followed` (replacing the follower's list). */
export async function follow(mpsd: LocalMpsd, follower: LocalMpsdUser, ...followed: LocalMpsdUser[]): Promise<void> {
  const answer = await control(mpsd, 'POST', 'follows', { [follower.xuid]: { follows: followed.map((user) => user.xuid) } });
  if (answer.status !== 200) throw new Error(`Setting follows failed: ${answer.status} ${answer.text}`);
}

/**
 * Creates session `name` with `host` as its only active member, the given constants and
 * system properties, and seats reserved for `reserved`.
 */
export function hostSession(
  mpsd: LocalMpsd,
  host: LocalMpsdUser,
  name: string,
  setup: { constants?: Record<string, unknown>; properties?: Record<string, unknown>; reserved?: LocalMpsdUser[]; template?: string } = {},
): Promise<CallResult> {
  const members: Record<string, unknown> = { me: joinBody(host).members.me };
  (setup.reserved ?? []).forEach((user, index) => {
    members[`reserve_${index + 1}`] = { constants: { system: { xuid: user.xuid } } };
  });
  const body: Record<string, unknown> = { members };
  if (setup.constants !== undefined) body.constants = { system: setup.constants };
  if (setup.properties !== undefined) body.properties = { system: setup.properties };
  return callAs(mpsd, host, 'PUT', sessionPath(name, SCID, setup.template ?? TEMPLATE), { body });
}

/** A user of `mpsd` calling with a fresh token for other claims (device, title). */
export async function withToken(
  mpsd: LocalMpsd,
  user: LocalMpsdUser,
  claims: { deviceId?: string; titleId?: string },
): Promise<LocalMpsdUser> {
  const answer = await control(mpsd, 'POST', 'tokens', { xuid: user.xuid, ...claims });
  if (answer.status !== 201) throw new Error(`Issuing a token failed: ${answer.status} ${answer.text}`);
  return { ...user, authorization: (answer.json as { authorization: string }).authorization };
}
