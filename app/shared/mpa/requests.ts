/**
 * The Multiplayer Activity (MPA) calls a person can make, as validated input. Limits come from
 * ../shared/docs/mpa.md; where its sources disagree, the stricter limit is kept and the message
 * says so, so nobody is surprised when the looser one they read somewhere is refused.
 *
 * Ids reuse the MPSD schemas (a title id typed in hex becomes the decimal the path wants, XUIDs
 * lose leading zeros): one Xbox id means the same thing on both services.
 */
import * as z from 'zod/mini';
import { titleIdSchema, xuidSchema } from '../mpsd/ids.ts';

/** `joinRestriction` values, as MPA spells them (hdr:82-98). */
export const mpaJoinRestrictions = ['Public', 'InviteOnly', 'Followed'] as const;
export type MpaJoinRestriction = (typeof mpaJoinRestrictions)[number];

/** Platform names on the wire (XBL-REST). XSAPI writes `iOS`; the docs and its own fixture write `IOS`, sent here. */
export const mpaPlatforms = ['XboxOne', 'Scarlett', 'WindowsOneCore', 'Win32', 'IOS', 'Android', 'Nintendo', 'PlayStation'] as const;
export type MpaPlatform = (typeof mpaPlatforms)[number];

export const mpaEncounterTypes = ['Default', 'Teammate', 'Opponent'] as const;
export type MpaEncounterType = (typeof mpaEncounterTypes)[number];

/**
 * The limits every check below uses, and the local MPA enforces on its own.
 * - connection strings: Learn's current page says < 512 for activities, its invites page and
 *   the 2020/2021 copies < 256; XBL-REST says 512 for both. Kept: activity 511, invite 255.
 * - groupId: < 128 (Learn). Lists: query 30, invite 16 (XBL-REST), recent players 100.
 * - players: maxPlayers > 1 and <= 100, currentPlayers > 0 and <= 100 (Learn).
 */
export const MPA_LIMITS = {
  activityConnectionString: 511,
  inviteConnectionString: 255,
  groupId: 127,
  queryUsers: 30,
  invitedUsers: 16,
  recentPlayers: 100,
  players: 100,
} as const;

/**
 * A sequence number is a ulong on the wire, but a JSON number above 2^53 cannot be read back
 * exactly in JavaScript (the app's own answers, history, the emulator), so a typed one is held
 * to that. XSAPI's own values are about 1.6e10 (see sequence-number.ts), far below it.
 */
export const MAX_SEQUENCE_NUMBER = Number.MAX_SAFE_INTEGER;

export const mpaKinds = [
  'mpa.activity.set',
  'mpa.activity.delete',
  'mpa.activity.get',
  'mpa.activity.query',
  'mpa.invite.send',
  'mpa.recentPlayers.update',
] as const;
export type MpaKind = (typeof mpaKinds)[number];

const titleId = titleIdSchema;
const xuid = xuidSchema;

function oneOf<const T extends readonly string[]>(values: T, what: string) {
  return z.enum(values, { error: `${what} must be one of ${values.join(', ')} (spelled as shown).` });
}

function wholeNumber(what: string, min: number, max: number, why: string) {
  return z
    .int({ error: `${what} must be a whole number from ${min} to ${max}${why}.` })
    .check(z.gte(min, { error: `${what} must be at least ${min}${why}.` }), z.lte(max, { error: `${what} must be at most ${max}${why}.` }));
}

function text(what: string, max: number, why: string, required: boolean) {
  return z
    .string({ error: `${what} must be text.` })
    .check(
      ...(required
        ? [z.minLength(1, { error: `${what} is required.` })]
        : [z.minLength(1, { error: `${what} is empty: leave it out instead.` })]),
      z.maxLength(max, { error: `${what} is at most ${max} characters${why}.` }),
    );
}

function xuidList(what: string, max: number, why: string) {
  return z.array(xuid, { error: `${what} must be a list of XUIDs.` }).check(
    z.minLength(1, { error: `${what}: give at least one XUID.` }),
    z.maxLength(max, { error: `${what}: at most ${max} XUIDs in one call${why}.` }),
    z.refine((list) => new Set(list).size === list.length, { error: `${what} names the same XUID twice: give each once.` }),
  );
}

const sequenceNumber = wholeNumber(
  'sequenceNumber',
  1,
  MAX_SEQUENCE_NUMBER,
  " (leave it out to use the time-based number Microsoft's client sends)",
);
const platform = oneOf(mpaPlatforms, 'platform');

/**
 * `platform` and `allowCrossPlatformJoin` say the same thing in XSAPI's two words: a
 * cross-platform call names no platform, a one-platform call names which one.
 */
function platformChoice(value: { platform?: MpaPlatform | undefined; allowCrossPlatformJoin?: boolean | undefined }): string | undefined {
  if (value.allowCrossPlatformJoin === true && value.platform !== undefined) {
    return `allowCrossPlatformJoin is true but platform ${value.platform} limits the call to one platform: drop one of them.`;
  }
  if (value.allowCrossPlatformJoin === false && value.platform === undefined) {
    return 'allowCrossPlatformJoin is false: name the one platform allowed in platform (e.g. Scarlett).';
  }
  return undefined;
}

const crossPlatform = {
  platform: z.optional(platform),
  allowCrossPlatformJoin: z.optional(z.boolean({ error: 'allowCrossPlatformJoin must be true or false.' })),
};

/**
 * The activity's own fields (E1's body without the sequence number and the path's ids). The
 * set request and an MPA preset's activity are both built from this one shape and checked by
 * mpaActivityIssues, so a preset is judged by exactly the rules its send will be.
 */
export const mpaActivityShape = {
  connectionString: text(
    'connectionString',
    MPA_LIMITS.activityConnectionString,
    ' (Learn says under 512; older copies say under 256 for invites, kept apart)',
    true,
  ),
  joinRestriction: oneOf(mpaJoinRestrictions, 'joinRestriction'),
  maxPlayers: z.optional(wholeNumber('maxPlayers', 2, MPA_LIMITS.players, ' (MPA: more than 1, at most 100)')),
  currentPlayers: z.optional(wholeNumber('currentPlayers', 1, MPA_LIMITS.players, ' (MPA: more than 0, at most 100)')),
  groupId: z.optional(text('groupId', MPA_LIMITS.groupId, ' (MPA: under 128)', false)),
  ...crossPlatform,
};

/** The invite call's own fields (E5's body without the invitees): shared by the request and MPA presets. */
export const mpaInviteShape = {
  connectionString: z.optional(
    text(
      'connectionString',
      MPA_LIMITS.inviteConnectionString,
      " (Learn's invites page says under 256, XBL-REST says 512: the stricter is kept)",
      false,
    ),
  ),
  ...crossPlatform,
};

/** A rule broken across fields, with the field to show it on. */
export interface MpaFieldIssue {
  path: string;
  message: string;
}

/** What is wrong between an activity's fields (a platform clash, more players than seats). */
export function mpaActivityIssues(value: {
  platform?: MpaPlatform | undefined;
  allowCrossPlatformJoin?: boolean | undefined;
  maxPlayers?: number | undefined;
  currentPlayers?: number | undefined;
}): MpaFieldIssue[] {
  const issues = mpaInviteIssues(value);
  if (value.maxPlayers !== undefined && value.currentPlayers !== undefined && value.currentPlayers > value.maxPlayers) {
    issues.push({
      path: 'currentPlayers',
      message: `currentPlayers (${value.currentPlayers}) is more than maxPlayers (${value.maxPlayers}): a full activity has currentPlayers equal to maxPlayers.`,
    });
  }
  return issues;
}

/** What is wrong between an invite's fields (a platform clash). */
export function mpaInviteIssues(value: {
  platform?: MpaPlatform | undefined;
  allowCrossPlatformJoin?: boolean | undefined;
}): MpaFieldIssue[] {
  const clash = platformChoice(value);
  return clash === undefined ? [] : [{ path: 'platform', message: clash }];
}

/** A check that reports these issues on their fields. */
export function mpaFieldChecks<T>(issuesOf: (value: T) => MpaFieldIssue[]) {
  return z.superRefine<T>((value, context) => {
    for (const issue of issuesOf(value)) context.issues.push({ code: 'custom', message: issue.message, path: [issue.path], input: value });
  });
}

const activitySet = z
  .strictObject({
    kind: z.literal('mpa.activity.set'),
    titleId,
    /** The caller's own XUID: MPA lets players set an activity only for themselves. */
    xuid,
    ...mpaActivityShape,
    sequenceNumber: z.optional(sequenceNumber),
  })
  .check(mpaFieldChecks(mpaActivityIssues));

const activityDelete = z.strictObject({
  kind: z.literal('mpa.activity.delete'),
  titleId,
  xuid,
  sequenceNumber: z.optional(sequenceNumber),
});

const activityGet = z.strictObject({ kind: z.literal('mpa.activity.get'), titleId, xuid });

const activityQuery = z.strictObject({
  kind: z.literal('mpa.activity.query'),
  titleId,
  users: xuidList('users', MPA_LIMITS.queryUsers, ' (MPA reads at most 30 users per query)'),
});

const inviteSend = z
  .strictObject({
    kind: z.literal('mpa.invite.send'),
    titleId,
    invitedUsers: xuidList('invitedUsers', MPA_LIMITS.invitedUsers, ' (MPA takes at most 16 per invite call; send another call for more)'),
    ...mpaInviteShape,
  })
  .check(mpaFieldChecks(mpaInviteIssues));

const recentPlayer = z.strictObject({
  id: xuid,
  encounterType: z._default(oneOf(mpaEncounterTypes, 'encounterType'), 'Default'),
});

const recentPlayersUpdate = z.strictObject({
  kind: z.literal('mpa.recentPlayers.update'),
  titleId,
  recentPlayers: z.array(recentPlayer, { error: 'recentPlayers must be a list of { id, encounterType }.' }).check(
    z.minLength(1, { error: 'recentPlayers: give at least one player.' }),
    z.maxLength(MPA_LIMITS.recentPlayers, { error: `recentPlayers: at most ${MPA_LIMITS.recentPlayers} players in one call.` }),
    z.refine((list) => new Set(list.map((player) => player.id)).size === list.length, {
      error: "recentPlayers names the same XUID twice: give each once (Microsoft's client keeps one entry per XUID).",
    }),
  ),
});

export const mpaRequestSchema = z.discriminatedUnion(
  'kind',
  [activitySet, activityDelete, activityGet, activityQuery, inviteSend, recentPlayersUpdate],
  { error: `kind must be one of ${mpaKinds.join(', ')}.` },
);
export type MpaRequest = z.output<typeof mpaRequestSchema>;
export type MpaRequestInput = z.input<typeof mpaRequestSchema>;
export type MpaRequestOf<K extends MpaKind> = Extract<MpaRequest, { kind: K }>;
