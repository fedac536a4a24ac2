/**
 * The `handle ...` commands: read, delete and join through any handle, create transfer and
 * search handles, and search for sessions by their search handles. Built like every request
 * command (request-commands.ts): flags become the shared request model, which core sends.
 */
import { profileChannels } from '../shared/contract/profiles.ts';
import { HandleStudioError } from '../shared/errors.ts';
import type { HandleRequestInput } from '../shared/mpsd/requests.ts';
import type { FlagSpec, FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { reportHandleQuery, reportHandleRead, reportThroughHandle } from './handle-report.ts';
import { LOCAL, requestCommand, SCID } from './request-commands.ts';
import { list, sessionFlags, sessionRefFromFlags, text, withoutUndefined } from './request-flags.ts';
import { profileIdByName } from './send.ts';

const HANDLE = '6a3f0e1c-4b1e-4a57-9d8e-2f1c0b7a9e11';
const handleFlag = { handle: { type: 'string', value: 'GUID', help: 'The handle id, as MPSD returned it.' } } as const satisfies Record<
  string,
  FlagSpec
>;
const monikers = ['people', 'favorites', 'friends'];

function readCommand(verb: 'get' | 'delete', summary: string) {
  return requestCommand(
    {
      path: ['handle', verb],
      kind: `handle.${verb}`,
      ...(verb === 'get' ? { report: reportHandleRead } : {}),
      summary,
      flags: handleFlag,
      examples: [`handle-studio handle ${verb} --handle ${HANDLE} --profile dev`],
    },
    async (flags) => ({
      request: { kind: `handle.${verb}`, ...withoutUndefined({ handleId: text(flags, 'handle') }) } as HandleRequestInput,
    }),
  );
}

const handleSession = requestCommand(
  {
    path: ['handle', 'session'],
    kind: 'handle.session',
    report: reportThroughHandle,
    summary:
      'Read the session a handle points at (GET /handles/{id}/session). Names it from Content-Location; 204 means there is no such session.',
    flags: handleFlag,
    examples: [`handle-studio handle session --handle ${HANDLE} --profile dev`],
  },
  async (flags) => ({
    request: { kind: 'handle.session', ...withoutUndefined({ handleId: text(flags, 'handle') }) } as HandleRequestInput,
  }),
);

/** `--xuid`, or the XUID of the profile's signed-in user (known after `profile login`). */
async function joinerXuid(context: CliContext, flags: FlagValues): Promise<string | undefined> {
  const typed = text(flags, 'xuid');
  const profileName = text(flags, 'profile');
  if (typed !== undefined || profileName === undefined) return typed;
  const profileId = await profileIdByName(context, profileName);
  const { profiles } = await callChannel(context, profileChannels, 'listProfiles', {});
  return profiles.find((profile) => profile.id === profileId)?.token.xuid;
}

const handleJoin = requestCommand(
  {
    path: ['handle', 'join'],
    kind: 'handle.join',
    report: reportThroughHandle,
    summary:
      'Join the session a handle points at (PUT /handles/{id}/session). Works as an invitee accepting an invite or a friend joining an activity does; prints the session joined.',
    flags: {
      ...handleFlag,
      xuid: { type: 'string', value: 'XUID', help: "Your own XUID; with --profile, the signed-in user's when left out." },
      active: {
        type: 'boolean',
        help: 'Join as an active (playing) member; without it you join inactive, as a tool not running the title should.',
      },
    },
    examples: [
      `handle-studio handle join --handle ${HANDLE} --profile dev --active`,
      `XBL_AUTHORIZATION="$AUTH" handle-studio handle join --handle ${HANDLE} --xuid 2814679796296492 --endpoint ${LOCAL}`,
    ],
  },
  async (flags, context) => ({
    request: {
      kind: 'handle.join',
      ...withoutUndefined({ handleId: text(flags, 'handle'), xuid: await joinerXuid(context, flags) }),
      ...(flags['active'] === true ? { active: true } : {}),
    } as HandleRequestInput,
  }),
);

const handleTransfer = requestCommand(
  {
    path: ['handle', 'transfer'],
    kind: 'transfer.create',
    summary:
      'Create a transfer handle (POST /handles, type transfer): members of the origin session (e.g. a lobby) may join the target session through it. You must be a member of the origin.',
    flags: {
      scid: sessionFlags.scid,
      template: { ...sessionFlags.template, help: 'Template of the target session, e.g. GameSession.' },
      session: { ...sessionFlags.session, help: 'Name of the target session (the one members move to).' },
      'origin-session': { type: 'string', value: 'NAME', help: 'Name of the origin session whose members may join, e.g. lobby-1.' },
      'origin-template': { type: 'string', value: 'NAME', help: "Template of the origin session (default: the target's --template)." },
      'origin-scid': { type: 'string', value: 'GUID', help: 'SCID of the origin session (default: --scid).' },
    },
    examples: [
      `handle-studio handle transfer --scid ${SCID} --template GameSession --session match-7 --origin-template LobbySession --origin-session lobby-1 --profile dev`,
    ],
  },
  async (flags) => {
    const target = sessionRefFromFlags(flags);
    const origin = withoutUndefined({
      scid: text(flags, 'origin-scid') ?? target.scid,
      templateName: text(flags, 'origin-template') ?? target.templateName,
      name: text(flags, 'origin-session'),
    });
    return { request: { kind: 'transfer.create', sessionRef: target, originSessionRef: origin } as HandleRequestInput };
  },
);

/** `--string NAME=VALUE` / `--number NAME=VALUE`: split at the first '=', each name at most once. */
function attributePairs(values: readonly string[], flag: string, example: string): [string, string][] {
  const seen = new Set<string>();
  return values.map((value) => {
    const split = value.indexOf('=');
    if (split <= 0)
      throw new HandleStudioError('VALIDATION', `--${flag} ${value.slice(0, 40)}: write NAME=VALUE, e.g. --${flag} ${example}.`, {
        field: flag,
      });
    const name = value.slice(0, split).trim();
    if (seen.has(name))
      throw new HandleStudioError('VALIDATION', `--${flag} ${name}= is given twice: give each attribute once.`, { field: flag });
    seen.add(name);
    return [name, value.slice(split + 1)];
  });
}

/** Numbers as MPSD keeps them (JSON numbers): decimal, with an optional fraction or exponent. */
function numberValue(name: string, text: string): number {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed) || !Number.isFinite(Number(trimmed))) {
    throw new HandleStudioError(
      'VALIDATION',
      `--number ${name}=${trimmed.slice(0, 20)}: the value must be a number, e.g. --number ${name}=25 or ${name}=1.5.`,
      {
        field: 'number',
      },
    );
  }
  return Number(trimmed);
}

const searchCreate = requestCommand(
  {
    path: ['handle', 'search-create'],
    kind: 'search.create',
    summary:
      'Make a session findable (POST /handles, type search): tags, string and number attributes that `handle search` filters on. One search handle per session; the template must be searchable.',
    flags: {
      ...sessionFlags,
      tag: {
        type: 'string',
        multiple: true,
        value: 'TAG',
        help: 'A tag, e.g. ProRankOnly (starts with a letter, no spaces; searches match it lower-cased).',
      },
      string: {
        type: 'string',
        multiple: true,
        value: 'NAME=VALUE',
        help: 'A string attribute, e.g. MapName=UrbanCityAssault (searches match the value lower-cased).',
      },
      number: { type: 'string', multiple: true, value: 'NAME=N', help: 'A number attribute, e.g. MinLevel=25.' },
    },
    examples: [
      `handle-studio handle search-create --scid ${SCID} --template LobbySession --session lobby-1 --tag ProRankOnly --string MapName=UrbanCityAssault --number MinLevel=25 --profile dev`,
    ],
  },
  async (flags) => {
    const strings = Object.fromEntries(attributePairs(list(flags, 'string'), 'string', 'MapName=UrbanCityAssault'));
    const numbers = Object.fromEntries(
      attributePairs(list(flags, 'number'), 'number', 'MinLevel=25').map(([name, value]) => [name, numberValue(name, value)]),
    );
    return {
      request: {
        kind: 'search.create',
        sessionRef: sessionRefFromFlags(flags),
        searchAttributes: { tags: list(flags, 'tag'), strings, numbers },
      } as HandleRequestInput,
    };
  },
);

const search = requestCommand(
  {
    path: ['handle', 'search'],
    kind: 'search.query',
    report: reportHandleQuery,
    summary:
      'Find sessions of one template by their search handles (POST /handles/query, type search). At most 100; each says whether it can be joined and why not.',
    flags: {
      scid: sessionFlags.scid,
      template: sessionFlags.template,
      filter: {
        type: 'string',
        value: 'ODATA',
        help: 'OData filter: eq ne gt ge lt le and, one top-level or; e.g. "numbers/minlevel le 30 and tags/any(d:tolower(d) eq \'prorankonly\')".',
      },
      'order-by': { type: 'string', value: "'ATTR asc|desc'", help: 'Sort by one attribute, e.g. "numbers/minlevel desc".' },
      moniker: {
        type: 'string',
        value: monikers.join('|'),
        help: "Only sessions with members from this user's people, favorites or friends (with --xuid).",
      },
      xuid: { type: 'string', value: 'XUID', help: 'With --moniker: the user whose people, favorites or friends to look at.' },
    },
    examples: [
      `handle-studio handle search --scid ${SCID} --template LobbySession --filter "numbers/minlevel le 30" --order-by "numbers/minlevel desc" --profile dev`,
    ],
  },
  async (flags) => {
    const moniker = text(flags, 'moniker');
    const xuid = text(flags, 'xuid');
    if ((moniker === undefined) !== (xuid === undefined)) {
      throw new HandleStudioError('VALIDATION', '--moniker and --xuid go together: whose people, favorites or friends to look at.', {
        field: moniker === undefined ? 'moniker' : 'xuid',
      });
    }
    return {
      request: {
        kind: 'search.query',
        ...withoutUndefined({
          scid: text(flags, 'scid'),
          templateName: text(flags, 'template'),
          filter: text(flags, 'filter'),
          orderBy: text(flags, 'order-by'),
        }),
        ...(moniker === undefined ? {} : { people: { moniker, monikerXuid: xuid } }),
      } as HandleRequestInput,
    };
  },
);

export const handleCommands = [
  readCommand('get', 'Read a handle document (GET /handles/{id}): activity, invite, transfer or search.'),
  readCommand(
    'delete',
    'Delete a handle (DELETE /handles/{id}): clears an activity, withdraws an invite, removes a transfer or search handle.',
  ),
  handleSession,
  handleJoin,
  handleTransfer,
  searchCreate,
  search,
];
