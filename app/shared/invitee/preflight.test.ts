import { describe, expect, it } from 'vitest';
import { findingLines, preflightFindings, worstSeverity, type FindingId, type PreflightSetup } from './preflight.ts';
import { readSession } from './session-view.ts';

const A = '2814679796296491';
const B = '2814679796296492';
const C = '2814679796296493';

/** A session MPSD would show: A active, a game template with the usual capabilities; `change` adjusts it. */
function session(
  change: { system?: Record<string, unknown>; properties?: Record<string, unknown>; members?: Record<string, unknown> } = {},
) {
  return readSession({
    constants: {
      system: {
        inviteProtocol: 'game',
        maxMembersCount: 4,
        capabilities: { gameplay: true, connectionRequiredForActiveMembers: true },
        ...change.system,
      },
    },
    properties: { system: { ...change.properties } },
    members: change.members ?? {
      '0': { constants: { system: { xuid: A } }, properties: { system: { active: true } }, joinTime: '2026-12-01T10:00:00.000Z' },
    },
  });
}

const invite: PreflightSetup = { action: 'invite', senderXuid: A, inviteeXuid: B };
const ids = (found: ReturnType<typeof preflightFindings>) => found.map((finding) => finding.id);
const one = (found: ReturnType<typeof preflightFindings>, id: FindingId) => {
  const finding = found.find((candidate) => candidate.id === id);
  if (finding === undefined) throw new Error(`no ${id} finding in ${ids(found).join(', ')}`);
  return finding;
};

describe('pre-flight', () => {
  it('finds nothing in an open game session the sender plays in', () => {
    expect(preflightFindings(session(), invite)).toEqual([]);
    expect(worstSeverity([])).toBeUndefined();
  });

  it('inviteProtocol other than game: no toast', () => {
    const finding = one(preflightFindings(session({ system: { inviteProtocol: 'chat' } }), invite), 'invite-protocol');
    expect(finding.severity).toBe('blocks');
    expect(finding.says).toContain('"chat", not "game"');
    expect(finding.fix).toContain('constants.system.inviteProtocol');
    expect(one(preflightFindings(session({ system: { inviteProtocol: undefined } }), invite), 'invite-protocol').says).toContain(
      'no inviteProtocol',
    );
    // XSAPI's fixtures capitalise values; MPSD compares without case.
    expect(preflightFindings(session({ system: { inviteProtocol: 'Game' } }), invite)).toEqual([]);
    // An activity has no toast to lose.
    expect(ids(preflightFindings(session({ system: { inviteProtocol: 'chat' } }), { action: 'activity', senderXuid: A }))).not.toContain(
      'invite-protocol',
    );
  });

  it('closed: refused, unless the invitee already holds a seat', () => {
    expect(one(preflightFindings(session({ properties: { closed: true } }), invite), 'closed').fix).toContain('closed to false');
    const reserved = {
      '0': { constants: { system: { xuid: A } }, properties: { system: { active: true } } },
      '1': { constants: { system: { xuid: B } }, reserved: true },
    };
    expect(ids(preflightFindings(session({ properties: { closed: true }, members: reserved }), invite))).not.toContain('closed');
  });

  it('locked: only members who left come back', () => {
    expect(one(preflightFindings(session({ properties: { closed: true, locked: true } }), invite), 'locked').says).toContain(
      'never was one',
    );
  });

  it('full: counts reserved seats', () => {
    const members = {
      '0': { constants: { system: { xuid: A } }, properties: { system: { active: true } } },
      '1': { constants: { system: { xuid: C } }, reserved: true },
    };
    const finding = one(preflightFindings(session({ system: { maxMembersCount: 2 }, members }), invite), 'full');
    expect(finding.says).toContain('2 of 2 seats');
    expect(ids(preflightFindings(session({ system: { maxMembersCount: 3 }, members }), invite))).not.toContain('full');
  });

  it('private or visible: reserve the invitee first', () => {
    for (const visibility of ['private', 'visible']) {
      const finding = one(preflightFindings(session({ system: { visibility } }), invite), 'visibility');
      expect(finding.says).toContain(`"${visibility}"`);
      expect(finding.fix).toContain('reserve_0');
    }
  });

  it('join restriction: blocks a join from the activity, warns for an invite', () => {
    const local = preflightFindings(session({ properties: { joinRestriction: 'local' } }), invite);
    expect(one(local, 'join-restriction').severity).toBe('warns');
    const followed = preflightFindings(session({ properties: { joinRestriction: 'Followed' } }), {
      action: 'activity',
      senderXuid: A,
      inviteeXuid: B,
    });
    expect(one(followed, 'join-restriction').severity).toBe('blocks');
    expect(one(followed, 'join-restriction').fix).toContain('follow the invitee');
  });

  it('owners: a non-owner sender without allowNonOwnerInviteHandles is refused', () => {
    const members = {
      '0': { constants: { system: { xuid: C } }, properties: { system: { active: true } }, joinTime: '2026-12-01T09:00:00.000Z' },
      '1': { constants: { system: { xuid: A } }, properties: { system: { active: true } }, joinTime: '2026-12-01T10:00:00.000Z' },
    };
    const owned = { system: { capabilities: { gameplay: true, connectionRequiredForActiveMembers: true, hasOwners: true } }, members };
    const finding = one(preflightFindings(session(owned), invite), 'owners');
    expect(finding.says).toContain(`XUID ${C}`);
    expect(finding.fix).toContain('allowNonOwnerInviteHandles');
    // The first member is the owner; allowed non-owner invites need no check.
    expect(ids(preflightFindings(session(owned), { ...invite, senderXuid: C, inviteeXuid: B }))).not.toContain('owners');
    expect(
      ids(preflightFindings(session({ ...owned, system: { ...owned.system, allowNonOwnerInviteHandles: true } }), invite)),
    ).not.toContain('owners');
  });

  it('the sender must be an active member; blocks an activity', () => {
    const away = preflightFindings(session({ members: {} }), { action: 'activity', senderXuid: A });
    expect(one(away, 'sender-not-member').severity).toBe('blocks');
    expect(one(preflightFindings(session({ members: {} }), invite), 'sender-not-member').severity).toBe('warns');
    const inactive = { '0': { constants: { system: { xuid: A } }, properties: { system: { active: false } } } };
    expect(one(preflightFindings(session({ members: inactive }), invite), 'sender-not-active').says).toContain('inactive, not active');
  });

  it('PC: userAuthorizationStyle, and crossPlay between PC and Xbox', () => {
    const pc = preflightFindings(session(), { ...invite, inviteePlatform: 'pc' });
    expect(ids(pc)).toEqual(['pc-user-authorization', 'cross-play']);
    const both = preflightFindings(session(), { ...invite, senderPlatform: 'pc', inviteePlatform: 'pc' });
    expect(ids(both)).toEqual(['pc-user-authorization']);
    const ready = session({
      system: { capabilities: { gameplay: true, connectionRequiredForActiveMembers: true, crossPlay: true, userAuthorizationStyle: true } },
      properties: { joinRestriction: 'none' },
    });
    expect(preflightFindings(ready, { ...invite, inviteePlatform: 'pc' })).toEqual([]);
  });

  it('userAuthorizationStyle makes the restrictions local by default', () => {
    const style = session({
      system: { capabilities: { gameplay: true, connectionRequiredForActiveMembers: true, userAuthorizationStyle: true } },
    });
    expect(style.joinRestriction).toBe('local');
    expect(ids(preflightFindings(style, invite))).toEqual(['join-restriction']);
  });

  it('gameplay capabilities missing is a note', () => {
    const found = preflightFindings(session({ system: { capabilities: {} } }), invite);
    expect(one(found, 'gameplay').severity).toBe('notes');
    expect(worstSeverity(found)).toBe('notes');
    expect(findingLines(found)[0]).toMatch(/^\[notes\] gameplay: .*recent players.*disconnected players\. Fix: /);
  });
});
