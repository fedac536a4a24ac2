/**
 * The local MPSD: a strict stand-in for Xbox Live's Multiplayer Session Directory that
 * tests and offline sandboxes talk to over loopback HTTP. Start it with `startLocalMpsd`.
 */
import type { AddressInfo } from 'node:net';
import { HandleStudioError } from '../shared/errors.ts';
import { invalidSetup } from './setup-errors.ts';
import type { EmulatorCounters, EmulatorState } from './exchange.ts';
import type { FaultSwitch } from './faults.ts';
import { createFaultSwitch } from './faults.ts';
import { readSetupFile, parseSetup } from './config-files.ts';
import type { FollowLists } from './follow-graph.ts';
import { createFollowGraph, followsSchema } from './follow-graph.ts';
import type { InviteRecord } from './handles.ts';
import { createHandleBook } from './handles.ts';
import type { MpaSnapshot } from './mpa/mpa-book.ts';
import { createMpaState } from './mpa/mpa-state.ts';
import { createPresenceBook } from './presence.ts';
import { SEARCH_HANDLE_BUDGET, createRateLimiter } from './rate-limiter.ts';
import { createMpsdServer } from './server.ts';
import { createServiceConfigAccess } from './service-configs.ts';
import { createSessionDirectory } from './sessions.ts';
import { loadTemplateCatalog, templateCatalogFrom } from './templates.ts';
import type { UserDirectory } from './user-directory.ts';
import { createUserDirectory } from './user-directory.ts';
import { isGuid, isMpsdName } from './wire-checks.ts';

export type { FaultRule, FaultSwitch } from './faults.ts';
export type { FollowLists } from './follow-graph.ts';
export type { InviteRecord } from './handles.ts';
export type { MpaActivityRecord, MpaInviteRecord, MpaSnapshot } from './mpa/mpa-book.ts';
export type { Caller, IssuedToken, TestUser, TokenRequest, UserDirectory } from './user-directory.ts';

export interface LocalMpsdOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** MPSD's per-user rate limits (30 per 15 s, 300 per 300 s); on by default. */
  rateLimits?: boolean;
  /** How many test users to create (default 4). */
  users?: number;
  /** When set, other SCIDs answer 403. */
  allowedScids?: string[];
  /** When set, other templates answer 404. */
  allowedTemplates?: string[];
  /** Session templates per SCID (`"*"` for any other SCID): a path to a JSON file, or the document itself. Default: `default-templates.json`. */
  templates?: string | object;
  /** Who follows whom, by XUID: a path to a JSON file, or the document itself (see follow-graph.ts). Default: nobody follows anybody. */
  follows?: string | Record<string, FollowLists>;
  /** Demote active members whose presence does not show the title (see presence.ts); off by default. */
  presenceCheck?: boolean;
  /** The time the emulator goes by (token expiry, rate windows, invite expiry, member timers); `POST /_emulator/clock` moves it forward. */
  clock?: { now(): number };
  /** Same seed, same user hashes and startup tokens after a restart (tokens stay valid across restarts). */
  seed?: string;
}

export interface LocalMpsdUser {
  xuid: string;
  gamertag: string;
  /** The device the user's tokens come from (`joinRestriction: local` compares it). */
  deviceId: string;
  /** `XBL3.0 x=<uhs>;<token>`, valid 16 hours on the emulator's clock. Works only against this emulator. */
  authorization: string;
}

/** Counts since start; see EmulatorCounters for what each one counts. */
export type LocalMpsdStats = EmulatorCounters;

export interface LocalMpsd {
  /** e.g. `http://127.0.0.1:53117`, no trailing slash. */
  url: string;
  users: LocalMpsdUser[];
  directory: UserDirectory;
  faults: FaultSwitch;
  stats(): LocalMpsdStats;
  /** Every invite handle ever created, oldest first, deleted ones included. */
  invites(): InviteRecord[];
  /** The local MPA's activities, invites, recent players and refused stale writes. */
  mpa(): MpaSnapshot;
  stop(): Promise<void>;
}

const USERS_LIMIT = 1000;

function checkOptions(options: LocalMpsdOptions): void {
  if (typeof options !== 'object' || options === null) invalidSetup('Local MPSD options must be an object.');
  const { port, rateLimits, users, allowedScids, allowedTemplates, clock, presenceCheck } = options;
  if (presenceCheck !== undefined && typeof presenceCheck !== 'boolean') invalidSetup('presenceCheck must be true or false.');
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    invalidSetup('port must be a whole number from 0 to 65535 (0 picks a free port).');
  }
  if (rateLimits !== undefined && typeof rateLimits !== 'boolean') invalidSetup('rateLimits must be true or false.');
  if (options.seed !== undefined && (typeof options.seed !== 'string' || options.seed.length < 1 || options.seed.length > 200)) {
    invalidSetup('seed must be text of 1 to 200 characters.');
  }
  if (users !== undefined && (!Number.isInteger(users) || users < 1 || users > USERS_LIMIT)) {
    invalidSetup(`users must be a whole number from 1 to ${USERS_LIMIT}.`);
  }
  if (allowedScids !== undefined) {
    if (!Array.isArray(allowedScids)) invalidSetup('allowedScids must be an array of SCID GUIDs.');
    const bad = allowedScids.find((scid) => !isGuid(scid));
    if (bad !== undefined) invalidSetup(`allowedScids holds "${String(bad).slice(0, 60)}", which is not a GUID SCID.`);
  }
  if (allowedTemplates !== undefined) {
    if (!Array.isArray(allowedTemplates)) invalidSetup('allowedTemplates must be an array of template names.');
    const bad = allowedTemplates.find((name) => !isMpsdName(name));
    if (bad !== undefined) {
      invalidSetup(`allowedTemplates holds "${String(bad).slice(0, 60)}"; template names are 1 to 99 letters, digits, '.', '-' or '_'.`);
    }
  }
  if (clock !== undefined && typeof clock?.now !== 'function') invalidSetup('clock must have a now() function returning milliseconds.');
}

/**
 * Starts the local MPSD on 127.0.0.1. Throws HandleStudioError VALIDATION for bad options
 * and INTERNAL when the port cannot be bound.
 */
export async function startLocalMpsd(options: LocalMpsdOptions = {}): Promise<LocalMpsd> {
  checkOptions(options);
  const clock = options.clock ?? Date;
  let advancedMs = 0;
  const now = () => clock.now() + advancedMs;
  const directory = createUserDirectory(options.users ?? 4, now, options.seed);
  const templates =
    typeof options.templates === 'object' && options.templates !== null
      ? templateCatalogFrom(options.templates, 'The templates option')
      : loadTemplateCatalog(options.templates);
  const follows = createFollowGraph();
  if (options.follows !== undefined) {
    const schema = followsSchema((xuid) => directory.find(xuid) !== undefined);
    follows.set(
      typeof options.follows === 'string'
        ? readSetupFile(options.follows, schema, 'follows')
        : parseSetup(schema, options.follows, 'The follows option'),
    );
  }
  const presence = createPresenceBook();
  const handles = createHandleBook(now);
  const counters: EmulatorCounters = { requests: 0, throttled: 0, handlesCreated: 0, invitesCreated: 0 };
  const limited = options.rateLimits !== false;
  const state: EmulatorState = {
    directory,
    handles,
    sessions: createSessionDirectory(
      now,
      { templates, follows, presence: options.presenceCheck === true ? presence : null },
      (ref, xuid) => handles.dropActivity(ref, xuid),
      (ref) => handles.dropSession(ref),
    ),
    access: createServiceConfigAccess(templates, options.allowedScids, options.allowedTemplates),
    follows,
    searchLimits: limited
      ? { read: createRateLimiter(now, SEARCH_HANDLE_BUDGET), write: createRateLimiter(now, SEARCH_HANDLE_BUDGET) }
      : null,
    mpa: createMpaState(now, follows, limited),
    counters,
  };
  const faults = createFaultSwitch();
  const users: LocalMpsdUser[] = directory.users().map((user) => ({
    ...user,
    authorization: directory.issueToken({ xuid: user.xuid }).authorization,
  }));
  const stats = (): LocalMpsdStats => ({ ...counters });
  const invites = () => handles.invites();
  const running = createMpsdServer({
    state,
    faults,
    limiter: limited ? createRateLimiter(now) : null,
    control: {
      directory,
      faults,
      now,
      startupAuthorizations: new Map(users.map((user) => [user.xuid, user.authorization])),
      stats,
      invites,
      follows,
      presence,
      mpa: state.mpa.book,
      advanceClock(ms) {
        advancedMs += ms;
      },
    },
  });

  await new Promise<void>((resolve, reject) => {
    running.server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new HandleStudioError(
          'INTERNAL',
          error.code === 'EADDRINUSE'
            ? `Port ${options.port} is already in use; pick another or use 0 for a free one.`
            : `The local MPSD could not listen: ${error.message}`,
          // The CLI makes a port in use a usage error naming it (it is the user's choice of port, not a bug).
          error.code === 'EADDRINUSE' ? { portInUse: options.port } : undefined,
        ),
      );
    });
    running.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = running.server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    users,
    directory,
    faults,
    stats,
    invites,
    mpa: () => state.mpa.book.snapshot(),
    stop: () => running.stop(),
  };
}
