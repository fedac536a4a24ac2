import { describe, expect, it } from 'vitest';
import * as z from '../zod.ts';
import { mpaRequestSchema } from '../mpa/requests.ts';
import { presetInputSchema, presetSchema } from './preset.ts';

const TITLE = '0x4D2';
const ALICE = '2814679796296492';

function mpaPreset(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    service: 'mpa',
    name: 'Squad lobby',
    titleId: TITLE,
    activity: { connectionString: 'lobby:9f2c', joinRestriction: 'Followed', maxPlayers: 8, currentPlayers: 3, groupId: 'grp-7731' },
    invite: { connectionString: 'lobby:9f2c' },
    recipients: [{ label: 'Alice', xuid: ALICE }],
    notes: '',
    ...overrides,
  };
}

/** Every problem as `path: message`, as the editor and the team-file import show them. */
function problems(input: unknown): string[] {
  const parsed = z.safeParse(presetInputSchema, input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** The request schema's message for the same value, to show the preset is judged by the request's own rules. */
function requestMessage(input: Record<string, unknown>): string | undefined {
  const parsed = z.safeParse(mpaRequestSchema, input);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

const activitySet = { kind: 'mpa.activity.set', titleId: TITLE, xuid: ALICE, connectionString: 'lobby:9f2c', joinRestriction: 'Public' };

describe('MPA presets', () => {
  it('read an MPA preset: title as typed, the activity and the invite as MPA takes them', () => {
    const parsed = z.parse(presetInputSchema, mpaPreset({ invite: undefined, recipients: [{ label: '', xuid: ' 02814679796296492 ' }] }));
    expect(parsed).toEqual({
      ...mpaPreset(),
      // The invite setup left out is an invite with no connection string, cross-platform.
      invite: {},
      // XUIDs are normalised as the request schema does (no spaces, no leading zeros).
      recipients: [{ label: '', xuid: ALICE }],
    });
  });

  it('keep reading a preset without service as the MPSD preset it always was', () => {
    const mpsd = {
      name: 'Lobby',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' },
      inviteAttributes: { titleId: '1234' },
      recipients: [],
      joinAndSetActivityFirst: false,
      notes: '',
    };
    expect(z.parse(presetInputSchema, mpsd)).toMatchObject({ service: 'mpsd', name: 'Lobby' });
  });

  it.each([
    ['activity.connectionString', { activity: { connectionString: 'x'.repeat(512), joinRestriction: 'Public' } }, /at most 511 characters/],
    ['activity.connectionString', { activity: { connectionString: '', joinRestriction: 'Public' } }, /connectionString is required/],
    [
      'activity.joinRestriction',
      { activity: { connectionString: 'c', joinRestriction: 'Friends' } },
      /one of Public, InviteOnly, Followed/,
    ],
    ['activity.maxPlayers', { activity: { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 1 } }, /at least 2/],
    ['activity.maxPlayers', { activity: { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 101 } }, /at most 100/],
    ['activity.maxPlayers', { activity: { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 2.5 } }, /whole number/],
    ['activity.currentPlayers', { activity: { connectionString: 'c', joinRestriction: 'Public', currentPlayers: 0 } }, /at least 1/],
    [
      'activity.currentPlayers',
      { activity: { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 4, currentPlayers: 5 } },
      /currentPlayers \(5\) is more than maxPlayers \(4\)/,
    ],
    ['activity.groupId', { activity: { connectionString: 'c', joinRestriction: 'Public', groupId: 'g'.repeat(128) } }, /at most 127/],
    [
      'activity.platform',
      { activity: { connectionString: 'c', joinRestriction: 'Public', platform: 'Dreamcast' } },
      /platform must be one of/,
    ],
    [
      'activity.platform',
      { activity: { connectionString: 'c', joinRestriction: 'Public', platform: 'Scarlett', allowCrossPlatformJoin: true } },
      /drop one of them/,
    ],
    ['invite.connectionString', { invite: { connectionString: 'x'.repeat(256) } }, /at most 255 characters .*stricter is kept/],
    ['invite.platform', { invite: { allowCrossPlatformJoin: false } }, /name the one platform allowed/],
    ['titleId', { titleId: '0x1FFFFFFFF' }, /title id/i],
    ['recipients.0.xuid', { recipients: [{ label: '', xuid: 'alice' }] }, /XUID must be decimal digits/],
    [
      'recipients',
      {
        recipients: [
          { label: 'a', xuid: ALICE },
          { label: 'b', xuid: ALICE },
        ],
      },
      /listed twice/,
    ],
    // The sender's XUID is the profile's, added at send time; an MPSD field has no place here.
    ['activity', { activity: { connectionString: 'c', joinRestriction: 'Public', xuid: ALICE } }, /xuid/],
    ['', { sessionRef: { scid: 'x' } }, /sessionRef/],
  ])('refuse a bad %s, saying what is wrong', (field, change, message) => {
    const found = problems(mpaPreset(change));
    expect(found, found.join('\n')).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${field.replaceAll('.', '\\.')}: `));
    expect(found[0]).toMatch(message);
  });

  it('refuse more than 16 recipients, saying one preset is one MPA call and how to split it', () => {
    const seventeen = Array.from({ length: 17 }, (_, index) => ({ label: '', xuid: String(2814679796296400n + BigInt(index)) }));
    expect(problems(mpaPreset({ recipients: seventeen }))).toEqual([
      'recipients: A preset holds at most 16 recipients (MPA invites at most 16 users per call and an MPA preset sends one call; split the list into two presets).',
    ]);
    expect(problems(mpaPreset({ recipients: seventeen.slice(0, 16) }))).toEqual([]);
  });

  it('judge the activity by the request schema itself: the same words for the same mistake', () => {
    for (const activity of [
      { connectionString: 'x'.repeat(512), joinRestriction: 'Public' },
      { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 4, currentPlayers: 5 },
      { connectionString: 'c', joinRestriction: 'Public', groupId: 'g'.repeat(128) },
      { connectionString: 'c', joinRestriction: 'Public', allowCrossPlatformJoin: false },
    ]) {
      const fromRequest = requestMessage({ ...activitySet, ...activity });
      expect(fromRequest).toBeDefined();
      expect(problems(mpaPreset({ activity })).map((problem) => problem.slice(problem.indexOf(': ') + 2))).toEqual([fromRequest]);
    }
  });

  it('name an unknown service and how to fix it', () => {
    expect(problems(mpaPreset({ service: 'mpx' }))).toEqual([
      'service: service must be mpsd (MPSD handles) or mpa (Multiplayer Activity); left out, it is mpsd.',
    ]);
  });

  it('read a stored MPA preset back', () => {
    const stored = { ...mpaPreset(), id: 'p-1', favourite: false, updatedAt: '2026-12-01T10:00:00.000Z' };
    expect(z.parse(presetSchema, stored)).toMatchObject({ service: 'mpa', invite: { connectionString: 'lobby:9f2c' } });
  });
});
