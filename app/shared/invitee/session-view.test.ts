import { describe, expect, it } from 'vitest';
import { likelyOwner, readSession, sessionChanges } from './session-view.ts';

const member = (xuid: string, system: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  constants: { system: { xuid } },
  properties: { system },
  ...extra,
});

describe('session view', () => {
  it('reads members with their states and MPSD defaults for what is missing', () => {
    const view = readSession({
      constants: { system: { visibility: 'Open' } },
      members: {
        '2': member('3', { ready: true }),
        '0': member('1', { active: true }, { gamertag: 'Alpha' }),
        '1': { constants: { system: { xuid: '2' } }, reserved: true },
        '3': member('4', {}),
      },
      membersInfo: { count: 4 },
    });
    expect(view.members.map((m) => [m.index, m.state])).toEqual([
      ['0', 'active'],
      ['1', 'reserved'],
      ['2', 'ready'],
      ['3', 'inactive'],
    ]);
    expect(view).toMatchObject({
      visibility: 'open',
      joinRestriction: 'none',
      readRestriction: 'none',
      maxMembersCount: 100,
      memberCount: 4,
      closed: false,
    });
    expect(readSession(undefined).members).toEqual([]);
  });

  it('takes the member who joined first as the likely owner', () => {
    const view = readSession({
      members: {
        '0': member('1', { active: true }, { joinTime: '2026-12-01T11:00:00.000Z' }),
        '1': member('2', { active: true }, { joinTime: '2026-12-01T10:00:00.000Z' }),
      },
    });
    expect(likelyOwner(view)?.xuid).toBe('2');
  });

  it('says what changed since the last look', () => {
    const before = readSession({ members: { '0': member('1', { active: true }), '1': member('2', { active: true }) } });
    const after = readSession({
      properties: { system: { closed: true } },
      members: { '0': member('1', {}), '2': member('3', { active: true }, { gamertag: 'Bravo' }) },
    });
    expect(sessionChanges(before, after).map((change) => change.says)).toEqual([
      '1 went from active to inactive.',
      'Bravo (3) joined as active.',
      '2 left.',
      'closed changed from false to true.',
    ]);
    expect(sessionChanges(after, after)).toEqual([]);
  });
});
