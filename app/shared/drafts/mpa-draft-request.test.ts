import { describe, expect, it } from 'vitest';
import { parseMpaRequest } from '../mpa/wire.ts';
import { draftSaveInputSchema } from '../contract/drafts.ts';
import { isMpaKind, mpaRequestFromDraft } from './mpa-draft-request.ts';

const ALICE = '2814679796296492';
const BOB = '2814679796296493';

describe('MPA drafts', () => {
  it('are drafts like any other: saved with an mpa.* kind, told apart from MPSD kinds', () => {
    expect(draftSaveInputSchema.safeParse({ name: 'Squad', kind: 'mpa.invite.send', fields: { invitees: [ALICE] } }).success).toBe(true);
    expect(isMpaKind('mpa.invite.send')).toBe(true);
    expect(isMpaKind('invite.send')).toBe(false);
  });

  it('read an invite as one MPA call: invitees with labels, the platform meaning one platform only', () => {
    const draft = mpaRequestFromDraft({
      kind: 'mpa.invite.send',
      fields: { titleId: ' 0x4D2 ', invitees: [`${ALICE} Alice`, BOB], connectionString: 'lobby:9f2c', platform: 'Scarlett' },
    });
    expect(draft.recipientLabels).toEqual({ [ALICE]: 'Alice' });
    expect(parseMpaRequest(draft.request)).toEqual({
      kind: 'mpa.invite.send',
      titleId: '1234',
      invitedUsers: [ALICE, BOB],
      connectionString: 'lobby:9f2c',
      platform: 'Scarlett',
      allowCrossPlatformJoin: false,
    });
  });

  it('read an activity with its numbers, and leave blank fields out so the schema says what is missing', () => {
    const fields = {
      titleId: '1234',
      xuid: ALICE,
      connectionString: 'c',
      joinRestriction: 'Followed',
      maxPlayers: '8',
      currentPlayers: '3',
      groupId: '',
    };
    expect(parseMpaRequest(mpaRequestFromDraft({ kind: 'mpa.activity.set', fields }).request)).toEqual({
      kind: 'mpa.activity.set',
      titleId: '1234',
      xuid: ALICE,
      connectionString: 'c',
      joinRestriction: 'Followed',
      maxPlayers: 8,
      currentPlayers: 3,
    });
    expect(() =>
      parseMpaRequest(mpaRequestFromDraft({ kind: 'mpa.activity.set', fields: { ...fields, maxPlayers: 'eight' } }).request),
    ).toThrow(/maxPlayers must be a whole number from 2 to 100/);
    expect(() =>
      parseMpaRequest(mpaRequestFromDraft({ kind: 'mpa.activity.set', fields: { ...fields, connectionString: ' ' } }).request),
    ).toThrow(/connectionString/);
  });

  it('read a query, a delete and recent players', () => {
    expect(
      mpaRequestFromDraft({ kind: 'mpa.activity.query', fields: { titleId: '1234', queryXuids: `${ALICE}, ${BOB}\n` } }).request,
    ).toEqual({
      kind: 'mpa.activity.query',
      titleId: '1234',
      users: [ALICE, BOB],
    });
    expect(mpaRequestFromDraft({ kind: 'mpa.activity.delete', fields: { titleId: '1234' } }).request).toEqual({
      kind: 'mpa.activity.delete',
      titleId: '1234',
    });
    expect(
      parseMpaRequest(
        mpaRequestFromDraft({ kind: 'mpa.recentPlayers.update', fields: { titleId: '1234', recentPlayers: `${ALICE}=Teammate\n${BOB}` } })
          .request,
      ),
    ).toEqual({
      kind: 'mpa.recentPlayers.update',
      titleId: '1234',
      recentPlayers: [
        { id: ALICE, encounterType: 'Teammate' },
        { id: BOB, encounterType: 'Default' },
      ],
    });
  });

  describe('keep the choices the MPA form can make', () => {
    const invite = { titleId: '1234', invitees: [ALICE], connectionString: 'c' };
    const read = (
      fields: Record<string, string | string[]>,
      kind: 'mpa.invite.send' | 'mpa.activity.set' | 'mpa.activity.delete' = 'mpa.invite.send',
    ) => mpaRequestFromDraft({ kind, fields }).request as unknown as Record<string, unknown>;

    it('a platform named with cross-platform left blank leaves allowCrossPlatformJoin out', () => {
      const request = read({ ...invite, platform: 'Scarlett', crossPlatform: '' });
      expect(request['platform']).toBe('Scarlett');
      expect('allowCrossPlatformJoin' in request).toBe(false);
    });

    it('cross-platform on with no platform is sent as true', () => {
      expect(parseMpaRequest(read({ ...invite, crossPlatform: 'true' }))).toMatchObject({ allowCrossPlatformJoin: true });
    });

    it('cross-platform off beside a platform is sent as false', () => {
      expect(parseMpaRequest(read({ ...invite, platform: 'Scarlett', crossPlatform: 'false' }))).toMatchObject({
        platform: 'Scarlett',
        allowCrossPlatformJoin: false,
      });
    });

    it('a draft saved before crossPlatform existed keeps its meaning: a platform named means false', () => {
      expect(read({ ...invite, platform: 'Scarlett' })['allowCrossPlatformJoin']).toBe(false);
      expect('allowCrossPlatformJoin' in read(invite)).toBe(false);
    });

    it('other text for cross-platform goes to the schema as typed, which refuses it', () => {
      expect(() => parseMpaRequest(read({ ...invite, crossPlatform: 'yes' }))).toThrow(/allowCrossPlatformJoin must be true or false/);
    });

    it('a typed sequence number is kept for an activity PUT and DELETE, and left out when blank', () => {
      const activity = { titleId: '1234', xuid: ALICE, connectionString: 'c', joinRestriction: 'Public' };
      expect(parseMpaRequest(read({ ...activity, sequenceNumber: ' 42 ' }, 'mpa.activity.set'))).toMatchObject({ sequenceNumber: 42 });
      expect(parseMpaRequest(read({ titleId: '1234', xuid: ALICE, sequenceNumber: '7' }, 'mpa.activity.delete'))).toMatchObject({
        sequenceNumber: 7,
      });
      expect('sequenceNumber' in read({ ...activity, sequenceNumber: '' }, 'mpa.activity.set')).toBe(false);
    });
  });
});
