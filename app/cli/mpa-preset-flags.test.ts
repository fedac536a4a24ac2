/**
 * `preset save --service mpa` and the Presets editor read the same typed text into the same
 * preset: for each input, the CLI's flags and the editor's boxes (as MpaPresetPart hands them
 * to the shared reader: its shown fields, blank ones left out, the cross-platform choice always
 * there) must give the same preset, which the preset schema then accepts alike or refuses with
 * the same messages on the same fields. (renderer/src/presets/mpa-preset-part.test.ts holds
 * the editor's boxes to MPA Compose's reading.)
 */
import { describe, expect, it } from 'vitest';
import type { DraftFields } from '../shared/drafts/draft-request.ts';
import { mpaPresetPart } from '../shared/presets/mpa-preset-parts.ts';
import { presetInputSchema } from '../shared/presets/preset.ts';
import type { FlagValues } from './command.ts';
import { mpaPresetFromFlags } from './mpa-preset.ts';

/** One preset as a person types it, in the words both places share. */
interface Typed {
  titleId?: string;
  connection?: string;
  inviteConnection?: string;
  joinRestriction?: string;
  maxPlayers?: string;
  currentPlayers?: string;
  groupId?: string;
  platform?: string;
}

function asFlags(typed: Typed): FlagValues {
  return {
    'title-id': typed.titleId,
    connection: typed.connection,
    'invite-connection': typed.inviteConnection,
    'join-restriction': typed.joinRestriction,
    'max-players': typed.maxPlayers,
    'current-players': typed.currentPlayers,
    'group-id': typed.groupId,
    platform: typed.platform,
    to: ['2814679796296492=Alice'],
    notes: 'for QA',
  };
}

/** A part's boxes as the editor hands them on: blank text left out, the cross-platform choice kept ('false' once a platform is picked, as the editor sets it). */
function boxes(text: Record<string, string | undefined>, platform: string | undefined): DraftFields {
  const given = Object.entries({ ...text, platform }).filter((entry): entry is [string, string] => (entry[1] ?? '') !== '');
  return { ...Object.fromEntries(given), crossPlatform: platform === undefined || platform === '' ? '' : 'false' };
}

/** The preset the editor sends for the same text (PresetForm's MPA input). */
function asEditor(typed: Typed) {
  const titleId = (typed.titleId ?? '').trim();
  const activity = boxes(
    {
      titleId: typed.titleId,
      connectionString: typed.connection,
      joinRestriction: typed.joinRestriction,
      maxPlayers: typed.maxPlayers,
      currentPlayers: typed.currentPlayers,
      groupId: typed.groupId,
    },
    typed.platform,
  );
  const invite = boxes({ titleId: typed.titleId, connectionString: typed.inviteConnection ?? typed.connection }, typed.platform);
  return {
    service: 'mpa',
    name: 'friday',
    titleId: titleId === '' ? undefined : titleId,
    ...(typed.joinRestriction === undefined ? {} : { activity: mpaPresetPart('mpa.activity.set', activity) }),
    invite: mpaPresetPart('mpa.invite.send', invite),
    recipients: [{ xuid: '2814679796296492', label: 'Alice' }],
    notes: 'for QA',
    favourite: false,
  };
}

/** What the preset schema makes of it: the preset, or each message with its field. */
function judged(input: unknown) {
  const parsed = presetInputSchema.safeParse(input);
  return parsed.success
    ? { preset: parsed.data }
    : { refused: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
}

const inputs: [string, Typed][] = [
  ['an invite alone', { titleId: '1234', connection: 'lobby-7' }],
  ['a hex title id, padded', { titleId: '  0x4D2 ', connection: 'lobby-7' }],
  ['no title id', { titleId: '', connection: 'lobby-7' }],
  ['a padded connection string', { titleId: '1234', connection: '  lobby 7  ' }],
  ['a blank connection string', { titleId: '1234', connection: '   ' }],
  ['an invite connection string of its own', { titleId: '1234', connection: 'activity-7', inviteConnection: 'invite-7' }],
  ['an invite connection string past 255', { titleId: '1234', connection: 'x'.repeat(300) }],
  [
    'an activity',
    { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Followed', maxPlayers: '8', currentPlayers: '3', groupId: 'squad' },
  ],
  ['an activity with no connection string', { titleId: '1234', joinRestriction: 'Public' }],
  ['a join restriction MPA does not have', { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Everyone' }],
  [
    'counts padded and with a leading zero',
    { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Public', maxPlayers: ' 08 ', currentPlayers: ' 3' },
  ],
  [
    'counts that are not whole numbers',
    { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Public', maxPlayers: 'eight', currentPlayers: '2.5' },
  ],
  ['more players than seats', { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Public', maxPlayers: '4', currentPlayers: '9' }],
  ['a blank group id', { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Public', groupId: '  ' }],
  ['one platform', { titleId: '1234', connection: 'lobby-7', joinRestriction: 'Public', platform: 'Scarlett' }],
  ['a platform MPA does not have', { titleId: '1234', connection: 'lobby-7', platform: 'Dreamcast' }],
];

describe('preset save --service mpa reads its flags as the Presets editor reads its boxes', () => {
  it.each(inputs)('%s', (_, typed) => {
    const fromFlags = judged(mpaPresetFromFlags('friday', asFlags(typed)));
    expect(fromFlags).toEqual(judged(asEditor(typed)));
  });

  it('the set holds inputs both accept and inputs both refuse', () => {
    const outcomes = inputs.map(([, typed]) => 'preset' in judged(mpaPresetFromFlags('friday', asFlags(typed))));
    expect(outcomes).toContain(true);
    expect(outcomes).toContain(false);
  });
});
