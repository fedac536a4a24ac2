/**
 * The control API under `/_emulator/` (a prefix MPSD never uses), for tests that run the
 * emulator in another process. No authentication: the server listens on loopback only and
 * refuses other peers.
 */
import { HandleStudioError } from '../shared/errors.ts';
import type { EmulatorCounters, MpsdAnswer } from './exchange.ts';
import type { FaultSwitch } from './faults.ts';
import type { FollowGraph } from './follow-graph.ts';
import { followsSchema } from './follow-graph.ts';
import type { InviteRecord } from './handles.ts';
import type { MpaBook } from './mpa/mpa-book.ts';
import type { PresenceBook } from './presence.ts';
import type { UserDirectory } from './user-directory.ts';
import { MpsdRefusal, badRequest, checkJsonContentType, checkKeys, checkObject, isTitleId, parseJsonBody } from './wire-checks.ts';
import { parseSetup } from './config-files.ts';

export const CONTROL_PREFIX = '_emulator';

export interface ControlTarget {
  directory: UserDirectory;
  faults: FaultSwitch;
  now(): number;
  /** Authorization values issued at start, by XUID. */
  startupAuthorizations: ReadonlyMap<string, string>;
  stats(): EmulatorCounters;
  invites(): InviteRecord[];
  follows: FollowGraph;
  presence: PresenceBook;
  /** The local MPA: `GET mpa` shows it, `POST mpa/presence-lost` clears an activity as MPA does when presence ends. */
  mpa: Pick<MpaBook, 'snapshot' | 'presenceLost'>;
  /** Moves the emulator's clock forward (timers, token expiry, rate windows, invite expiry). */
  advanceClock(ms: number): void;
}

export interface ControlRequest {
  method: string;
  /** Segments after `_emulator`. */
  segments: string[];
  contentType: string | undefined;
  body: string;
}

/** A year either way is plenty for tests and keeps dates representable. */
const TOKEN_SECONDS_LIMIT = 366 * 24 * 60 * 60;

function jsonOf(request: ControlRequest): unknown {
  checkJsonContentType(request.contentType);
  return parseJsonBody(request.body);
}

function issueToken(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const body = checkObject(jsonOf(request), 'The request body');
  checkKeys(body, ['xuid', 'expiresInSeconds', 'titleId', 'deviceId'], '');
  if (typeof body.xuid !== 'string') badRequest('xuid is required: the decimal XUID of a user of this emulator.');
  const seconds = body.expiresInSeconds;
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isInteger(seconds) || Math.abs(seconds) > TOKEN_SECONDS_LIMIT)) {
    badRequest(
      `expiresInSeconds must be a whole number of seconds between -${TOKEN_SECONDS_LIMIT} and ${TOKEN_SECONDS_LIMIT} (negative issues an already expired token).`,
    );
  }
  if (target.directory.find(body.xuid) === undefined) {
    throw new MpsdRefusal(404, `XUID ${body.xuid.slice(0, 30)} is not a user of this emulator; GET /_emulator/users lists them.`);
  }
  const tokenRequest = {
    xuid: body.xuid,
    ...(seconds === undefined ? {} : { expiresAt: target.now() + seconds * 1000 }),
    ...(body.titleId === undefined ? {} : { titleId: body.titleId as string }),
    ...(body.deviceId === undefined ? {} : { deviceId: body.deviceId as string }),
  };
  return { status: 201, json: target.directory.issueToken(tokenRequest) };
}

function setFault(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const rule = jsonOf(request);
  if (rule === null) target.faults.clear();
  else target.faults.set(rule as Parameters<FaultSwitch['set']>[0]);
  return { status: 200, json: { fault: target.faults.current() } };
}

/** `POST follows`: replaces the lists of the users named in the body (see follow-graph.ts). */
function setFollows(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const update = parseSetup(
    followsSchema((xuid) => target.directory.find(xuid) !== undefined),
    jsonOf(request),
    'The follows body',
  );
  target.follows.set(update);
  return { status: 200, json: { follows: target.follows.snapshot() } };
}

/** `POST presence` `{ "xuid", "titleId": "<decimal>" | null }`: who is playing which title. */
function setPresence(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const body = checkObject(jsonOf(request), 'The request body');
  checkKeys(body, ['xuid', 'titleId'], '');
  if (typeof body.xuid !== 'string' || target.directory.find(body.xuid) === undefined) {
    badRequest('xuid is required: the decimal XUID of a user of this emulator (GET /_emulator/users lists them).');
  }
  if (body.titleId !== null && !isTitleId(body.titleId)) {
    badRequest('titleId is required: the decimal title id the user plays, e.g. "1234", or null when they play nothing.');
  }
  target.presence.set(body.xuid, body.titleId);
  return { status: 200, json: { presence: target.presence.snapshot() } };
}

/** `POST mpa/presence-lost` `{ "xuid", "titleId" }`: the user stopped playing, so MPA clears their activity. */
function mpaPresenceLost(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const body = checkObject(jsonOf(request), 'The request body');
  checkKeys(body, ['xuid', 'titleId'], '');
  if (typeof body.xuid !== 'string' || target.directory.find(body.xuid) === undefined) {
    badRequest('xuid is required: the decimal XUID of a user of this emulator (GET /_emulator/users lists them).');
  }
  if (!isTitleId(body.titleId)) badRequest('titleId is required: the decimal title id, e.g. "1234".');
  return { status: 200, json: { cleared: target.mpa.presenceLost(body.xuid, body.titleId) } };
}

/** A day at a time is plenty to run any timer out. */
const CLOCK_STEP_LIMIT_MS = 24 * 60 * 60 * 1000;

/** `POST clock` `{ "advanceMs" }`: moves the emulator's time forward. */
function advanceClock(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const body = checkObject(jsonOf(request), 'The request body');
  checkKeys(body, ['advanceMs'], '');
  const ms = body.advanceMs;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > CLOCK_STEP_LIMIT_MS) {
    badRequest(`advanceMs must be a whole number of milliseconds from 0 to ${CLOCK_STEP_LIMIT_MS}; the clock only moves forward.`);
  }
  target.advanceClock(ms);
  return { status: 200, json: { now: new Date(target.now()).toISOString() } };
}

function only(method: string, expected: string, action: () => MpsdAnswer): MpsdAnswer {
  return byMethod(method, { [expected]: action });
}

function byMethod(method: string, actions: Record<string, () => MpsdAnswer>): MpsdAnswer {
  const action = actions[method];
  const allowed = Object.keys(actions).join(', ');
  if (action === undefined)
    throw new MpsdRefusal(405, `Use ${Object.keys(actions).join(' or ')} on this control path.`, { Allow: allowed });
  return action();
}

/** Answers one control request; a bad rule or body is a 400 with the reason. */
export function controlAnswer(request: ControlRequest, target: ControlTarget): MpsdAnswer {
  const path = request.segments.join('/');
  try {
    switch (path) {
      case 'users':
        return only(request.method, 'GET', () => ({
          status: 200,
          json: {
            users: target.directory.users().map((user) => {
              const authorization = target.startupAuthorizations.get(user.xuid);
              return authorization === undefined ? user : { ...user, authorization };
            }),
          },
        }));
      case 'invites':
        return only(request.method, 'GET', () => ({ status: 200, json: { invites: target.invites() } }));
      case 'stats':
        return only(request.method, 'GET', () => ({ status: 200, json: target.stats() }));
      case 'faults':
        return only(request.method, 'POST', () => setFault(request, target));
      case 'tokens':
        return only(request.method, 'POST', () => issueToken(request, target));
      case 'follows':
        return byMethod(request.method, {
          GET: () => ({ status: 200, json: { follows: target.follows.snapshot() } }),
          POST: () => setFollows(request, target),
        });
      case 'presence':
        return byMethod(request.method, {
          GET: () => ({ status: 200, json: { presence: target.presence.snapshot() } }),
          POST: () => setPresence(request, target),
        });
      case 'clock':
        return only(request.method, 'POST', () => advanceClock(request, target));
      case 'mpa':
        return only(request.method, 'GET', () => ({ status: 200, json: target.mpa.snapshot() }));
      case 'mpa/presence-lost':
        return only(request.method, 'POST', () => mpaPresenceLost(request, target));
      default:
        throw new MpsdRefusal(
          404,
          'Unknown control path; use users, invites, stats, faults, tokens, follows, presence, clock, mpa or mpa/presence-lost under /_emulator/.',
        );
    }
  } catch (error) {
    if (error instanceof HandleStudioError) throw new MpsdRefusal(400, error.message);
    throw error;
  }
}
