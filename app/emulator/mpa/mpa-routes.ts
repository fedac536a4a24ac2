/**
 * The local MPA's endpoints (mpa.md §2, E1-E5 and E7), beside MPSD's on the same port under
 * `/titles/`. Its own hand-written reading of MPA's wire rules, strict where the doc is: a
 * wrong contract version, content type, field name or type is a 400 whose JSON body says
 * which and how to fix it, in MPA's error shape `{ errorCode, debugMessage }`.
 */
import type { EmulatorState, MpsdAnswer, MpsdCall } from '../exchange.ts';
import { headerOf, jsonBodyOf } from '../exchange.ts';
import type { RateBudget } from '../rate-limiter.ts';
import { MpsdRefusal, isTitleId, isXuid } from '../wire-checks.ts';
import type { MpaActivityRecord, MpaInviteRecord, MpaRecentPlayer } from './mpa-book.ts';

type MpaErrorCode = 'RequestValidationError' | 'AuthorizationError' | 'InvalidRequest';

/** A refusal in MPA's error shape (XBL-REST ErrorResponse). */
export function mpaRefusal(status: number, errorCode: MpaErrorCode, debugMessage: string): MpsdRefusal {
  return new MpsdRefusal(status, debugMessage, {}, { errorCode, debugMessage });
}

function invalid(message: string): never {
  throw mpaRefusal(400, 'RequestValidationError', message);
}

/**
 * The limits this stand-in enforces (mpa.md §3 "stand-in defaults": where Learn, the GDK copy
 * and XBL-REST disagree, the stricter).
 */
export const MPA_WIRE_LIMITS = {
  activityConnectionString: 511,
  inviteConnectionString: 255,
  groupId: 127,
  queryUsers: 30,
  invitedUsers: 16,
  recentPlayers: 100,
  players: 100,
} as const;

/** GDK-FGRL's MPA buckets; the endpoint-to-bucket mapping is inferred from their names. */
export const MPA_RATE_BUDGETS = {
  activityWrite: { burst: { maxRequests: 10, periodInSeconds: 15 }, sustain: { maxRequests: 100, periodInSeconds: 300 } },
  activityRead: { burst: { maxRequests: 20, periodInSeconds: 15 }, sustain: { maxRequests: 200, periodInSeconds: 300 } },
  invites: { burst: { maxRequests: 7, periodInSeconds: 15 }, sustain: { maxRequests: 50, periodInSeconds: 300 } },
  recentPlayers: { burst: { maxRequests: 3, periodInSeconds: 15 }, sustain: { maxRequests: 50, periodInSeconds: 300 } },
} as const satisfies Record<string, RateBudget>;
export type MpaBucketName = keyof typeof MPA_RATE_BUDGETS;

const JOIN_RESTRICTIONS = ['Public', 'InviteOnly', 'Followed'];
const PLATFORMS = ['XboxOne', 'Scarlett', 'WindowsOneCore', 'Win32', 'IOS', 'Android', 'Nintendo', 'PlayStation'];
const ENCOUNTER_TYPES = ['Default', 'Teammate', 'Opponent'];
const UINT64_MAX = 18446744073709551615n;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** XSAPI parses enums ignoring case and writes iOS where the docs write IOS, so case is not held against a caller. */
function checkEnum(value: unknown, allowed: readonly string[], field: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  const found = typeof value === 'string' ? allowed.find((name) => name.toLowerCase() === value.toLowerCase()) : undefined;
  if (found === undefined)
    invalid(`${field} must be one of ${allowed.join(', ')}${value === undefined ? '' : `, not ${JSON.stringify(value).slice(0, 40)}`}.`);
  return found;
}

function checkBody(call: MpsdCall, allowed: readonly string[]): Record<string, unknown> {
  const body = jsonBodyOf(call);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) invalid('The request body must be a JSON object.');
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    invalid(
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key.slice(0, 40)}"`).join(', ')}: MPA accepts ${allowed.join(', ')} here.`,
    );
  return body as Record<string, unknown>;
}

/** A ulong above 0; a JSON number as XSAPI sends it, or the decimal string the docs describe (mpa.md: accept both). */
function checkSequenceNumber(value: unknown): number {
  const text =
    typeof value === 'number' && Number.isInteger(value)
      ? String(value)
      : typeof value === 'string' && /^[0-9]{1,20}$/.test(value)
        ? value
        : undefined;
  if (text === undefined) invalid('sequenceNumber is required: a whole number above 0 that grows with every write of this activity.');
  const parsed = BigInt(text);
  if (parsed <= 0n || parsed > UINT64_MAX) invalid('sequenceNumber must be above 0 and at most 18446744073709551615.');
  if (parsed > BigInt(Number.MAX_SAFE_INTEGER))
    invalid('sequenceNumber above 2^53 cannot be compared exactly by this stand-in; send a smaller one.');
  return Number(parsed);
}

function checkText(value: unknown, field: string, max: number, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') invalid(`${field} ${required ? 'is required and ' : ''}must be a JSON string.`);
  if (value.length > max) invalid(`${field} is ${value.length} characters; at most ${max} here.`);
  return value;
}

function checkCount(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) invalid(`${field} must be a whole JSON number.`);
  if (value < min || value > MPA_WIRE_LIMITS.players) invalid(`${field} must be from ${min} to ${MPA_WIRE_LIMITS.players}, not ${value}.`);
  return value;
}

/** XUIDs in bodies are JSON strings (mpa.md §1); numbers lose precision and are refused. */
function checkXuidList(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) invalid(`${field} is required: a list of 1 to ${max} XUID strings.`);
  if (value.length > max) invalid(`${field} holds ${value.length} XUIDs; at most ${max} per call.`);
  for (const [index, xuid] of value.entries()) {
    if (!isXuid(xuid))
      invalid(
        `${field}[${index}] must be a decimal XUID string without leading zeros, such as "2814679796296491"${typeof xuid === 'number' ? ', not a JSON number' : ''}.`,
      );
  }
  if (new Set(value).size !== value.length) invalid(`${field} names one XUID twice.`);
  return value as string[];
}

function spend(call: MpsdCall, state: EmulatorState, bucket: MpaBucketName, titleId: string): void {
  const throttle = state.mpa.limits?.[bucket].admit(`${call.caller.xuid}/${titleId}`) ?? null;
  if (throttle === null) return;
  state.counters.throttled += 1;
  const body = {
    ...throttle.body,
    debugMessage: `MPA ${bucket} limit: at most ${throttle.body.maxRequests} calls per ${throttle.body.periodInSeconds} s per user and title.`,
  };
  throw new MpsdRefusal(429, body.debugMessage, { 'Retry-After': String(throttle.retryAfterSeconds) }, body);
}

/**
 * Checks every MPA call shares: the contract version XSAPI sends, a token for this title
 * (when it names one), then spends the bucket. Path checks ran in matchMpaRoute.
 */
function admit(call: MpsdCall, state: EmulatorState, titleId: string, bucket: MpaBucketName): void {
  const version = headerOf(call, 'x-xbl-contract-version');
  if (version?.trim() !== '1') {
    invalid(
      version === undefined
        ? "The x-xbl-contract-version header is required; Microsoft's client sends 1 to MPA."
        : `x-xbl-contract-version "${version.slice(0, 20)}" is not MPA's; send 1 (the MPSD versions 104-107 are for MPSD).`,
    );
  }
  if (call.caller.titleId !== undefined && call.caller.titleId !== titleId) {
    throw mpaRefusal(
      403,
      'AuthorizationError',
      `The token was issued for title ${call.caller.titleId}, not ${titleId}: use the title id in the path the token speaks for.`,
    );
  }
  spend(call, state, bucket, titleId);
}

function ownPath(call: MpsdCall, xuid: string, what: string): void {
  if (call.caller.xuid !== xuid)
    throw mpaRefusal(
      403,
      'AuthorizationError',
      `Players ${what} only their own activity: the path names ${xuid}, the token is ${call.caller.xuid}'s.`,
    );
}

/** The activity as a viewer receives it: titleId a JSON number, connectionString only for those who may join. */
function activityAnswer(activity: MpaActivityRecord, mayJoin: boolean): Record<string, unknown> {
  const answer: Record<string, unknown> = { sequenceNumber: activity.sequenceNumber, titleId: Number(activity.titleId) };
  if (mayJoin) answer.connectionString = activity.connectionString;
  answer.joinRestriction = activity.joinRestriction;
  if (activity.maxPlayers !== undefined) answer.maxPlayers = activity.maxPlayers;
  if (activity.currentPlayers !== undefined) answer.currentPlayers = activity.currentPlayers;
  if (activity.groupId !== undefined) answer.groupId = activity.groupId;
  if (activity.platform !== undefined) answer.platform = activity.platform;
  return answer;
}

/** A write's sequence number must be above the last one; a stale one is refused and counted (mpa.md E1, inferred). */
function checkFresh(state: EmulatorState, xuid: string, titleId: string, sequenceNumber: number): void {
  const last = state.mpa.book.lastSequence(xuid, titleId);
  if (last !== undefined && sequenceNumber <= last) {
    state.mpa.book.noteStaleWrite();
    invalid(
      `sequenceNumber ${sequenceNumber} is not above the last one written for this activity (${last}): every write needs a larger one.`,
    );
  }
}

function setActivity(call: MpsdCall, state: EmulatorState, titleId: string, xuid: string): MpsdAnswer {
  admit(call, state, titleId, 'activityWrite');
  ownPath(call, xuid, 'set');
  const body = checkBody(call, [
    'sequenceNumber',
    'connectionString',
    'joinRestriction',
    'maxPlayers',
    'currentPlayers',
    'groupId',
    'platform',
  ]);
  const sequenceNumber = checkSequenceNumber(body.sequenceNumber);
  const connectionString = checkText(body.connectionString, 'connectionString', MPA_WIRE_LIMITS.activityConnectionString, true) as string;
  const joinRestriction = checkEnum(body.joinRestriction, JOIN_RESTRICTIONS, 'joinRestriction', true) as string;
  const maxPlayers = checkCount(body.maxPlayers, 'maxPlayers', 2);
  const currentPlayers = checkCount(body.currentPlayers, 'currentPlayers', 1);
  const groupId = checkText(body.groupId, 'groupId', MPA_WIRE_LIMITS.groupId, false);
  const platform = checkEnum(body.platform, PLATFORMS, 'platform', false);
  checkFresh(state, xuid, titleId, sequenceNumber);
  state.mpa.book.put({
    xuid,
    titleId,
    sequenceNumber,
    connectionString,
    joinRestriction,
    ...(maxPlayers === undefined ? {} : { maxPlayers }),
    ...(currentPlayers === undefined ? {} : { currentPlayers }),
    ...(groupId === undefined ? {} : { groupId }),
    ...(platform === undefined ? {} : { platform }),
  });
  return { status: 204 };
}

function deleteActivity(call: MpsdCall, state: EmulatorState, titleId: string, xuid: string): MpsdAnswer {
  admit(call, state, titleId, 'activityWrite');
  ownPath(call, xuid, 'delete');
  const body = checkBody(call, ['sequenceNumber']);
  const sequenceNumber = checkSequenceNumber(body.sequenceNumber);
  checkFresh(state, xuid, titleId, sequenceNumber);
  state.mpa.book.remove(xuid, titleId, sequenceNumber);
  return { status: 204 };
}

function getActivity(call: MpsdCall, state: EmulatorState, titleId: string, xuid: string): MpsdAnswer {
  admit(call, state, titleId, 'activityRead');
  if (call.body.trim() !== '') invalid('GET takes no body.');
  const activity = state.mpa.book.activity(xuid, titleId);
  if (activity === undefined) return { status: 204 };
  return { status: 200, json: activityAnswer(activity, state.mpa.book.mayJoin(activity, call.caller.xuid)) };
}

/** E4: every title's activities of each user (XSAPI keeps its own title's), connection strings hidden as for E3. */
function queryActivities(call: MpsdCall, state: EmulatorState, titleId: string): MpsdAnswer {
  admit(call, state, titleId, 'activityRead');
  const body = checkBody(call, ['users']);
  const users = checkXuidList(body.users, 'users', MPA_WIRE_LIMITS.queryUsers);
  const viewer = call.caller.xuid;
  return {
    status: 200,
    json: {
      userActivities: users.map((xuid) => ({
        userId: xuid,
        activities: state.mpa.book.activitiesOf(xuid).map((activity) => activityAnswer(activity, state.mpa.book.mayJoin(activity, viewer))),
      })),
    },
  };
}

function sendInvites(call: MpsdCall, state: EmulatorState, titleId: string): MpsdAnswer {
  admit(call, state, titleId, 'invites');
  const body = checkBody(call, ['invitedUsers', 'connectionString', 'platform']);
  const invitedUsers = checkXuidList(body.invitedUsers, 'invitedUsers', MPA_WIRE_LIMITS.invitedUsers);
  const connectionString = checkText(body.connectionString, 'connectionString', MPA_WIRE_LIMITS.inviteConnectionString, false) ?? '';
  const platform = checkEnum(body.platform, PLATFORMS, 'platform', false);
  const sender = call.caller.xuid;
  if (invitedUsers.includes(sender)) invalid('invitedUsers names the sender: players cannot invite themselves.');
  const stranger = invitedUsers.find((xuid) => state.directory.find(xuid) === undefined);
  if (stranger !== undefined) invalid(`invitedUsers: ${stranger} is not a user of this emulator (GET /_emulator/users lists them).`);
  const sentAt = new Date(state.mpa.now()).toISOString();
  const records: MpaInviteRecord[] = invitedUsers.map((invitedUser) => ({
    titleId,
    sender,
    invitedUser,
    connectionString,
    ...(platform === undefined ? {} : { platform }),
    sentAt,
  }));
  state.mpa.book.addInvites(records);
  return { status: 204 };
}

function updateRecentPlayers(call: MpsdCall, state: EmulatorState, titleId: string): MpsdAnswer {
  admit(call, state, titleId, 'recentPlayers');
  const body = checkBody(call, ['recentPlayers']);
  const list = body.recentPlayers;
  if (!Array.isArray(list) || list.length === 0 || list.length > MPA_WIRE_LIMITS.recentPlayers) {
    invalid(`recentPlayers is required: a list of 1 to ${MPA_WIRE_LIMITS.recentPlayers} { id, timestamp, encounterType } entries.`);
  }
  const players: MpaRecentPlayer[] = list.map((entry: unknown, index) => {
    const where = `recentPlayers[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) invalid(`${where} must be a JSON object.`);
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((key) => !['id', 'timestamp', 'encounterType', 'network'].includes(key));
    if (unknown.length > 0)
      invalid(`${where}: unknown field "${String(unknown[0]).slice(0, 40)}"; MPA accepts id, timestamp, encounterType, network.`);
    if (!isXuid(fields.id)) invalid(`${where}.id must be a decimal XUID string.`);
    if (fields.id === call.caller.xuid) invalid(`${where}.id is the caller: a player is not their own recent player.`);
    if (typeof fields.timestamp !== 'string' || !ISO_8601.test(fields.timestamp))
      invalid(`${where}.timestamp must be an ISO 8601 time such as 2026-12-01T13:05:00Z.`);
    if (fields.network !== undefined && fields.network !== 'XboxLive') invalid(`${where}.network must be XboxLive when present.`);
    const encounterType = checkEnum(fields.encounterType ?? 'Default', ENCOUNTER_TYPES, `${where}.encounterType`, true) as string;
    return { id: fields.id, timestamp: fields.timestamp, encounterType };
  });
  state.mpa.book.addRecentPlayers(call.caller.xuid, titleId, players);
  return { status: 204 };
}

type Action = (call: MpsdCall, state: EmulatorState) => MpsdAnswer;

function byMethod(method: string, actions: Record<string, Action>): Action {
  const action = actions[method];
  if (action === undefined)
    throw new MpsdRefusal(405, `${method} is not supported on this MPA path; use ${Object.keys(actions).join(' or ')}.`, {
      Allow: Object.keys(actions).join(', '),
    });
  return action;
}

/** Other checks (content type, JSON) throw MPSD's text refusals; MPA answers them in its own shape. */
function inMpaForm(action: Action): Action {
  return (call, state) => {
    try {
      return action(call, state);
    } catch (error) {
      if (error instanceof MpsdRefusal && error.status === 400 && error.json === undefined)
        throw mpaRefusal(400, 'RequestValidationError', error.message);
      throw error;
    }
  };
}

const NOT_FOUND = () =>
  mpaRefusal(
    404,
    'InvalidRequest',
    'The requested MPA URI was not found: /titles/{titleId}/users/{xuid}/activities, /activities/query, /invites or /recentplayers.',
  );

/** The MPA action for `segments` (starting with `titles`), or throws 404/405. */
export function matchMpaRoute(method: string, segments: readonly string[]): Action {
  const [, titleId, third, fourth, fifth] = segments;
  if (!isTitleId(titleId))
    throw mpaRefusal(
      404,
      'InvalidRequest',
      `"${String(titleId).slice(0, 20)}" is not a decimal title id: use /titles/1234/... (hex title ids are the client's to convert).`,
    );
  if (segments.length === 5 && third === 'users' && fifth === 'activities') {
    if (!isXuid(fourth)) throw mpaRefusal(404, 'InvalidRequest', 'The XUID in the path must be decimal without leading zeros.');
    return inMpaForm(
      byMethod(method, {
        PUT: (call, state) => setActivity(call, state, titleId, fourth),
        DELETE: (call, state) => deleteActivity(call, state, titleId, fourth),
        GET: (call, state) => getActivity(call, state, titleId, fourth),
      }),
    );
  }
  if (segments.length === 4 && third === 'activities' && fourth === 'query')
    return inMpaForm(byMethod(method, { POST: (call, state) => queryActivities(call, state, titleId) }));
  if (segments.length === 3 && third === 'invites')
    return inMpaForm(byMethod(method, { POST: (call, state) => sendInvites(call, state, titleId) }));
  if (segments.length === 3 && third === 'recentplayers')
    return inMpaForm(byMethod(method, { POST: (call, state) => updateRecentPlayers(call, state, titleId) }));
  throw NOT_FOUND();
}
