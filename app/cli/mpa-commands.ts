/**
 * The `mpa ...` commands: Multiplayer Activity, for titles on PlayFab Lobby/Party or their own
 * servers (mpa.md §6). Each builds the shared MPA request from its flags and sends it through
 * core (`sendMpa`), as a profile or with XBL_AUTHORIZATION, paced by MPA's own buckets.
 * Exit codes are the project's (exit-codes.ts): an invite call that may or may not have
 * reached its invitees is 7, never silently repeated.
 */
import { profileChannels } from '../shared/contract/profiles.ts';
import { HandleStudioError } from '../shared/errors.ts';
import type { MpaActivity } from '../shared/mpa/activities.ts';
import { mpaInviteAcceptUri } from '../shared/mpa/invite-uri.ts';
import { mpaEncounterTypes, mpaJoinRestrictions, mpaPlatforms, type MpaKind } from '../shared/mpa/requests.ts';
import { MPA_BASE_URL } from '../shared/mpa/wire.ts';
import type { MpaResult } from '../core/mpa/mpa-service.ts';
import { QUEUEABLE_MPA_KINDS } from '../core/mpa/mpa-sender.ts';
import { UsageError, type CommandSpec, type FlagSpec, type FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { EXIT_OK, exitCodeFor } from './exit-codes.ts';
import { list, text, withoutUndefined } from './request-flags.ts';
import { endpointFromFlag, environmentAuthorization, senderProfileId } from './send.ts';

const LOCAL = 'http://127.0.0.1:7777';
const XUID = '2814679796296491';

const senderFlags = {
  profile: {
    type: 'string',
    value: 'NAME',
    help: 'Send as this profile (its token; its endpoint names the MPA); default: the active profile when XBL_AUTHORIZATION is not set.',
  },
  endpoint: {
    type: 'string',
    value: 'URL',
    help: `With XBL_AUTHORIZATION: Microsoft's MPSD or MPA URL means ${MPA_BASE_URL}; a local MPSD serves MPA on its own origin (default: Microsoft's).`,
  },
  title: { type: 'string', value: 'ID', help: 'Title id, decimal (1234) or hex (0x4D2).' },
} as const satisfies Record<string, FlagSpec>;

const AUTHORIZATION_NOTE =
  'Authorization: --profile NAME uses the stored token; otherwise XBL_AUTHORIZATION holds the whole "XBL3.0 x=<uhs>;<token>" value; ' +
  'with neither, the active profile. Tokens are never accepted as flags.';

const platformFlag = {
  platform: {
    type: 'string',
    value: mpaPlatforms.join('|'),
    help: 'Only this platform (sets allowCrossPlatformJoin false); left out, the call is cross-platform.',
  },
} as const satisfies Record<string, FlagSpec>;

/**
 * The profile's own XUID, for `--xuid` left out (known after `profile login`, or typed in the
 * profile). A profile set to MPSD handles is used as asked, with a warning: one service per title.
 */
async function profileXuid(context: CliContext, profileId: string | undefined): Promise<string | undefined> {
  if (profileId === undefined) return undefined;
  const { profiles } = await callChannel(context, profileChannels, 'listProfiles', {});
  const profile = profiles.find((candidate) => candidate.id === profileId);
  if (profile?.service === 'mpsd') {
    context.warn(
      `handle-studio: profile "${profile.name}" is set to MPSD handles; Microsoft advises one service per title (an MPA title's profile: \`profile add NAME --service mpa\`).`,
    );
  }
  return profile?.token.xuid ?? profile?.xuid;
}

function count(flags: FlagValues, name: string): number | undefined {
  const value = text(flags, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new HandleStudioError('VALIDATION', `--${name}: give a whole number, e.g. --${name} 4.`, { field: name });
  return Number(value);
}

function platformChoice(flags: FlagValues): Record<string, unknown> {
  const platform = text(flags, 'platform');
  return platform === undefined ? {} : { platform, allowCrossPlatformJoin: false };
}

export interface Sender {
  profileId?: string;
  /** The caller's own XUID, when known (a profile's, or --xuid). */
  xuid?: string;
}

/**
 * Sends one MPA call as the profile or with XBL_AUTHORIZATION. `queue` (a profile only) lets a
 * call that cannot go out now wait in the outbox; left out, core's default applies.
 */
export async function send(
  context: CliContext,
  flags: FlagValues,
  sender: Sender,
  request: Record<string, unknown>,
  queue?: boolean,
): Promise<MpaResult> {
  const studio = await context.studio();
  if (sender.profileId !== undefined)
    return studio.sendMpa({
      request,
      profileId: sender.profileId,
      signal: context.signal,
      ...(queue === undefined ? {} : { queueIfUnavailable: queue }),
    });
  if (queue === true) {
    throw new HandleStudioError(
      'VALIDATION',
      "--queue needs a profile (--profile NAME, or `profile use NAME`): the outbox sends later with the profile's stored token, and XBL_AUTHORIZATION is not stored.",
      { field: 'queue' },
    );
  }
  const endpoint = endpointFromFlag(text(flags, 'endpoint') ?? MPA_BASE_URL);
  return studio.sendMpa({ request, endpoint, authorization: environmentAuthorization(context.io.env), signal: context.signal });
}

function describeActivity(activity: MpaActivity): string {
  const seats = activity.maxPlayers === undefined ? '' : `, ${activity.currentPlayers ?? '?'}/${activity.maxPlayers} players`;
  const join =
    activity.connectionString === undefined
      ? 'connection string hidden (you may not join: invite-only, followed-only or full)'
      : `connection string "${activity.connectionString}"`;
  return `${activity.xuid}: ${activity.joinRestriction ?? '?'}${seats}, platform ${activity.platform}${activity.groupId === undefined ? '' : `, group ${activity.groupId}`}; ${join}`;
}

/** Says what happened, in words or as one JSON document, and returns the exit code. */
export function report(context: CliContext, flags: FlagValues, sender: Sender, result: MpaResult): number {
  const { request, exchange, error } = result;
  const unknownOutcome = error?.code === 'OUTCOME_UNKNOWN';
  // OUTCOME_UNKNOWN is 7 (exit-codes.ts): the script must look before sending again. A call
  // waiting in the outbox is done as far as the caller asked, as for MPSD's queued sends.
  const exitCode = error === undefined || result.queued > 0 ? EXIT_OK : exitCodeFor(error.code);
  const acceptUris =
    request.kind === 'mpa.invite.send' && error === undefined && sender.xuid !== undefined
      ? Object.fromEntries(
          request.invitedUsers.map((invited) => [
            invited,
            mpaInviteAcceptUri({
              platform: 'pc',
              titleId: request.titleId,
              invitedUser: invited,
              sender: sender.xuid as string,
              ...withoutUndefined({ connectionString: request.connectionString }),
            }),
          ]),
        )
      : undefined;
  if (flags['json'] === true) {
    context.printJson({
      kind: request.kind,
      outcome: result.queued > 0 ? 'queued' : error === undefined ? 'sent' : unknownOutcome ? 'unknown' : 'failed',
      exitCode,
      queued: result.queued,
      request: exchange.request,
      ...withoutUndefined({
        status: exchange.response?.status,
        correlationId: exchange.correlationId,
        error,
        invitees: result.invitees,
        users: result.users,
        acceptUris,
      }),
      ...(result.activity === undefined ? {} : { activity: result.activity }),
      attempts: exchange.attempts,
      durationMs: exchange.durationMs,
    });
    return exitCode;
  }
  if (result.queued > 0) {
    context.say(`${request.kind} not sent now: ${error?.message ?? 'queued in the outbox.'} See \`handle-studio outbox list\`.`);
    for (const invitee of result.invitees ?? []) context.say(`  ${invitee.xuid}: ${invitee.outcome}`);
    return exitCode;
  }
  if (error !== undefined) {
    context.warn(`${request.kind} failed: ${error.message}`);
    for (const invitee of result.invitees ?? []) context.warn(`  ${invitee.xuid}: ${invitee.outcome}`);
    return exitCode;
  }
  switch (request.kind) {
    case 'mpa.invite.send':
      context.say(`Invited ${request.invitedUsers.length} in one MPA call (${exchange.response?.status ?? '?'}):`);
      for (const invitee of result.invitees ?? []) {
        const uri = acceptUris?.[invitee.xuid];
        context.say(`  ${invitee.xuid}: ${invitee.outcome}${uri === undefined ? '' : `; on accept the title gets ${uri}`}`);
      }
      break;
    case 'mpa.activity.query':
      for (const user of result.users ?? []) {
        if (user.activities === null) context.say(`${user.xuid}: MPA could not read this user's activity (ask again)`);
        else if (user.activities.length === 0) context.say(`${user.xuid}: no activity in title ${request.titleId}`);
        else for (const activity of user.activities) context.say(describeActivity(activity));
      }
      break;
    case 'mpa.activity.get':
      context.say(result.activity == null ? `${request.xuid}: no activity in title ${request.titleId}` : describeActivity(result.activity));
      break;
    default:
      context.say(`${request.kind}: done (${exchange.response?.status ?? '?'}).`);
  }
  return exitCode;
}

/** An `mpa ...` command: who sends, what the flags build, then report. */
function mpaCommand(
  spec: Omit<CommandSpec, 'run' | 'notes' | 'flags'> & { kind: MpaKind; flags: Record<string, FlagSpec>; needsOwnXuid?: boolean },
  build: (flags: FlagValues, sender: Sender) => Record<string, unknown>,
): CommandSpec {
  const { kind, needsOwnXuid = false, ...shown } = spec;
  const command: CommandSpec = {
    ...shown,
    flags: { ...senderFlags, ...(QUEUEABLE_MPA_KINDS.has(kind) ? queueFlag : {}), ...spec.flags },
    notes: [AUTHORIZATION_NOTE],
    run: async (context, flags) => {
      if (text(flags, 'profile') !== undefined && flags['endpoint'] !== undefined) {
        throw new UsageError('--endpoint applies only with XBL_AUTHORIZATION; a profile keeps its own endpoint.', command);
      }
      const profileId = await senderProfileId(context, flags);
      const ownXuid = await profileXuid(context, profileId);
      const xuid = text(flags, 'xuid') ?? ownXuid;
      if (needsOwnXuid && xuid === undefined) {
        throw new HandleStudioError(
          'VALIDATION',
          `--xuid: give your own XUID (MPA's ${kind} names it in the path); with --profile it is the signed-in user's after \`profile login\`.`,
          {
            field: 'xuid',
          },
        );
      }
      const sender = withoutUndefined({ profileId, xuid });
      const result = await send(
        context,
        flags,
        sender,
        { kind, ...withoutUndefined({ titleId: text(flags, 'title') }), ...build(flags, sender) },
        flags['queue'] === true,
      );
      return report(context, flags, sender, result);
    },
  };
  return command;
}

/** The writes' flag: as for MPSD's sends, the app queues by default and the CLI only when asked. */
const queueFlag = {
  queue: {
    type: 'boolean',
    help: 'With a profile: a call that cannot go out now (offline, no valid token) waits in the outbox as one item (an invite call too) and exits 0.',
  },
} as const satisfies Record<string, FlagSpec>;

const ownXuid = {
  xuid: { type: 'string', value: 'XUID', help: "Your own XUID; with a profile, the signed-in user's when left out." },
} as const satisfies Record<string, FlagSpec>;

const activitySet = mpaCommand(
  {
    path: ['mpa', 'activity', 'set'],
    kind: 'mpa.activity.set',
    needsOwnXuid: true,
    summary:
      'Set or update your MPA activity (PUT /titles/{title}/users/{xuid}/activities). Update it rather than deleting and setting again.',
    flags: {
      ...ownXuid,
      connection: { type: 'string', value: 'TEXT', help: 'connectionString: how others join (opaque to MPA), at most 511 characters.' },
      'join-restriction': {
        type: 'string',
        value: mpaJoinRestrictions.join('|'),
        help: 'Who may join: Public, InviteOnly or Followed (people you follow).',
      },
      'max-players': { type: 'string', value: 'N', help: 'maxPlayers, 2 to 100.' },
      'current-players': {
        type: 'string',
        value: 'N',
        help: 'currentPlayers, 1 to 100; equal to maxPlayers makes the activity full (unjoinable).',
      },
      'group-id': {
        type: 'string',
        value: 'ID',
        help: 'groupId: players with the same one count as playing together (at most 127 characters).',
      },
      ...platformFlag,
    },
    examples: [
      `XBL_AUTHORIZATION="$AUTH" handle-studio mpa activity set --endpoint ${LOCAL} --title 1234 --xuid ${XUID} --connection lobby:9f2c --join-restriction Followed --max-players 8 --current-players 3`,
    ],
  },
  (flags, sender) => ({
    ...withoutUndefined({
      xuid: sender.xuid,
      connectionString: text(flags, 'connection'),
      joinRestriction: text(flags, 'join-restriction'),
      maxPlayers: count(flags, 'max-players'),
      currentPlayers: count(flags, 'current-players'),
      groupId: text(flags, 'group-id'),
    }),
    ...platformChoice(flags),
  }),
);

const activityDelete = mpaCommand(
  {
    path: ['mpa', 'activity', 'delete'],
    kind: 'mpa.activity.delete',
    needsOwnXuid: true,
    summary: 'Delete your MPA activity (DELETE .../users/{xuid}/activities), as a title must when the player leaves.',
    flags: ownXuid,
    examples: [`handle-studio mpa activity delete --title 1234 --profile dev`],
  },
  (_flags, sender) => withoutUndefined({ xuid: sender.xuid }),
);

const activityGet = mpaCommand(
  {
    path: ['mpa', 'activity', 'get'],
    kind: 'mpa.activity.get',
    summary: "Show one user's MPA activity in a title (GET .../users/{xuid}/activities); the connection string only when you may join.",
    flags: { xuid: { type: 'string', value: 'XUID', help: 'Whose activity to show (default: your own).' } },
    examples: [`handle-studio mpa activity get --title 1234 --xuid ${XUID} --profile dev`],
  },
  (_flags, sender) => withoutUndefined({ xuid: sender.xuid }),
);

const activityQuery = mpaCommand(
  {
    path: ['mpa', 'activity', 'query'],
    kind: 'mpa.activity.query',
    summary: 'Read the MPA activities of up to 30 users in one call (POST /titles/{title}/activities/query).',
    flags: { user: { type: 'string', multiple: true, value: 'XUID', help: 'A user to read; repeat for more (at most 30).' } },
    examples: [`handle-studio mpa activity query --title 1234 --user ${XUID} --user 2814679796296492 --profile dev`],
  },
  (flags) => ({ users: list(flags, 'user') }),
);

const inviteSend = mpaCommand(
  {
    path: ['mpa', 'invite', 'send'],
    kind: 'mpa.invite.send',
    summary:
      'Invite 1 to 16 users in ONE MPA call (POST /titles/{title}/invites). MPA answers 204 for the call; each invitee is listed with that outcome.',
    flags: {
      ...ownXuid,
      to: { type: 'string', multiple: true, value: 'XUID', help: 'An invitee; repeat for more (at most 16 per call).' },
      connection: {
        type: 'string',
        value: 'TEXT',
        help: "connectionString the invitee's title is launched with (at most 255); reuse your activity's.",
      },
      ...platformFlag,
    },
    examples: [`handle-studio mpa invite send --title 1234 --to ${XUID} --to 2814679796296492 --connection lobby:9f2c --profile dev`],
  },
  (flags) => ({
    invitedUsers: list(flags, 'to'),
    ...withoutUndefined({ connectionString: text(flags, 'connection') }),
    ...platformChoice(flags),
  }),
);

const recentPlayers = mpaCommand(
  {
    path: ['mpa', 'recent-players'],
    kind: 'mpa.recentPlayers.update',
    summary: 'Add players to your recent-players list (POST /titles/{title}/recentplayers). One-way, so only your own list changes.',
    flags: {
      player: {
        type: 'string',
        multiple: true,
        value: `XUID[=${mpaEncounterTypes.join('|')}]`,
        help: 'A player met, with how (default Default); repeat for more (at most 100).',
      },
    },
    examples: [`handle-studio mpa recent-players --title 1234 --player ${XUID}=Teammate --player 2814679796296492=Opponent --profile dev`],
  },
  (flags) => ({
    recentPlayers: list(flags, 'player').map((value) => {
      const [id, encounterType] = value.split('=');
      return { id, ...withoutUndefined({ encounterType }) };
    }),
  }),
);

export const mpaCommands: readonly CommandSpec[] = [activitySet, activityGet, activityDelete, activityQuery, inviteSend, recentPlayers];
