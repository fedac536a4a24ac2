import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../errors.ts';
import { readActivityQuery } from './activities.ts';
import { mpaInviteAcceptUri } from './invite-uri.ts';
import { mpaSequenceNumber, nextSequenceNumber } from './sequence-number.ts';
import { buildMpaWire, mpaBaseUrlFor, mpaWireFor, parseMpaRequest } from './wire.ts';

const TITLE = '1234';
const ME = '2814679796296491';
const NOW = Date.UTC(2026, 11, 1, 13, 5, 0);
const options = { sequenceNumber: 42, now: NOW };

/** The problem messages a bad request is refused with. */
function problems(input: unknown): string {
  try {
    parseMpaRequest(input);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(HandleStudioError);
    expect((thrown as HandleStudioError).code).toBe('VALIDATION');
    return (thrown as HandleStudioError).message;
  }
  throw new Error('expected the request to be refused');
}

describe('bodies equal XSAPI unit-test fixtures', () => {
  it('set activity: XSAPI TestSetActivity (Tests/UnitTests/Tests/Services/MultiplayerActivityTests.cpp), sequenceNumber removed as there', () => {
    // Fixture: { "connectionString": "mockConnectionString", "joinRestriction": "Public", "maxPlayers": 10 }
    const wire = mpaWireFor(
      {
        kind: 'mpa.activity.set',
        titleId: TITLE,
        xuid: ME,
        connectionString: 'mockConnectionString',
        joinRestriction: 'Public',
        maxPlayers: 10,
      },
      options,
    );
    const { sequenceNumber, ...rest } = wire.body as Record<string, unknown>;
    expect(rest).toEqual({ connectionString: 'mockConnectionString', joinRestriction: 'Public', maxPlayers: 10 });
    expect(sequenceNumber).toBe(42);
    expect(typeof sequenceNumber).toBe('number');
    expect(wire).toMatchObject({ method: 'PUT', path: `/titles/1234/users/${ME}/activities`, bucket: 'activityWrite' });
  });

  it('send invites: XSAPI TestSendInvites, XUIDs as strings, platform then connectionString then invitedUsers', () => {
    // Fixture: { "invitedUsers": ["1","2","3"], "platform": "Win32", "connectionString": "mockConnectionString" }
    const wire = mpaWireFor(
      {
        kind: 'mpa.invite.send',
        titleId: TITLE,
        invitedUsers: ['1', '2', '3'],
        allowCrossPlatformJoin: false,
        platform: 'Win32',
        connectionString: 'mockConnectionString',
      },
      options,
    );
    expect(wire.body).toEqual({ invitedUsers: ['1', '2', '3'], platform: 'Win32', connectionString: 'mockConnectionString' });
    // XSAPI's own order (multiplayer_activity_service.cpp SendInvites).
    expect(Object.keys(wire.body as object)).toEqual(['platform', 'connectionString', 'invitedUsers']);
    expect(wire).toMatchObject({ method: 'POST', path: '/titles/1234/invites', bucket: 'invites', notIdempotent: true });
  });

  it('query: XSAPI TestGetActivities sends { users: ["1","2"] } to /activities/query', () => {
    const wire = mpaWireFor({ kind: 'mpa.activity.query', titleId: TITLE, users: ['1', '2'] }, options);
    expect(wire).toMatchObject({
      method: 'POST',
      path: '/titles/1234/activities/query',
      body: { users: ['1', '2'] },
      bucket: 'activityRead',
      notIdempotent: false,
    });
  });

  it('recent players: XSAPI FlushRecentPlayers body, id as string, ISO time from whole seconds, Default encounter', () => {
    const wire = mpaWireFor(
      { kind: 'mpa.recentPlayers.update', titleId: TITLE, recentPlayers: [{ id: '0001' }, { id: '2', encounterType: 'Opponent' }] },
      options,
    );
    expect(wire.body).toEqual({
      recentPlayers: [
        { id: '1', timestamp: '2026-12-01T13:05:00Z', encounterType: 'Default' },
        { id: '2', timestamp: '2026-12-01T13:05:00Z', encounterType: 'Opponent' },
      ],
    });
    expect(wire.path).toBe('/titles/1234/recentplayers');
  });

  it('delete sends a sequence number; get has no body; a hex title id becomes decimal in the path', () => {
    expect(mpaWireFor({ kind: 'mpa.activity.delete', titleId: '0x4D2', xuid: ME }, options)).toMatchObject({
      method: 'DELETE',
      path: `/titles/1234/users/${ME}/activities`,
      body: { sequenceNumber: 42 },
    });
    const get = mpaWireFor({ kind: 'mpa.activity.get', titleId: TITLE, xuid: ME }, options);
    expect(get).toMatchObject({ method: 'GET', bucket: 'activityRead' });
    expect(get.body).toBeUndefined();
  });

  it('fields XSAPI leaves out when unset are left out; all set fields in XSAPI order', () => {
    const request = parseMpaRequest({
      kind: 'mpa.activity.set',
      titleId: TITLE,
      xuid: ME,
      connectionString: 'lobby:9f2c',
      joinRestriction: 'Followed',
      maxPlayers: 8,
      currentPlayers: 3,
      groupId: 'grp-7731',
      platform: 'Scarlett',
      allowCrossPlatformJoin: false,
    });
    expect(Object.keys(buildMpaWire(request, options).body as object)).toEqual([
      'sequenceNumber',
      'connectionString',
      'joinRestriction',
      'maxPlayers',
      'currentPlayers',
      'groupId',
      'platform',
    ]);
    const bare = buildMpaWire(parseMpaRequest({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: ['5'] }), options);
    expect(bare.body).toEqual({ invitedUsers: ['5'] });
  });
});

describe('reading XSAPI getActivityResponse fixture', () => {
  it('keeps this title only, a missing connectionString stays missing, titleId is a number', () => {
    // Transcribed from MultiplayerActivityTests.cpp getActivityResponse.
    const fixture = {
      userActivities: [
        {
          userId: '1',
          activities: [
            {
              sequenceNumber: 0,
              titleId: 1234,
              connectionString: 'connectionString',
              joinRestriction: 'Public',
              maxPlayers: 10,
              currentPlayers: 2,
              groupId: 'groupId',
              platform: 'XboxOne',
            },
            {
              sequenceNumber: 0,
              titleId: 0,
              connectionString: 'connectionString2',
              joinRestriction: 'Public',
              maxPlayers: 0,
              currentPlayers: 0,
              groupId: 'string',
              platform: 'XboxOne',
            },
          ],
        },
        {
          userId: '2',
          activities: [
            {
              sequenceNumber: 0,
              titleId: 1234,
              joinRestriction: 'Public',
              maxPlayers: 2,
              currentPlayers: 1,
              groupId: 'groupId',
              platform: 'IOS',
            },
          ],
        },
        { userId: '3', activities: null },
      ],
    };
    const users = readActivityQuery(fixture, '1234');
    expect(users?.map((user) => user.activities?.length ?? null)).toEqual([1, 1, null]);
    expect(users?.[0]?.activities?.[0]).toMatchObject({ xuid: '1', connectionString: 'connectionString', titleId: 1234 });
    expect(users?.[1]?.activities?.[0]?.connectionString).toBeUndefined();
    expect(readActivityQuery({ userActivities: 'no' }, '1234')).toBeUndefined();
  });
});

describe("validation: the doc's limits, the stricter where sources disagree", () => {
  const set = { kind: 'mpa.activity.set', titleId: TITLE, xuid: ME, connectionString: 'c', joinRestriction: 'Public' };

  it('activity connection string: 511 kept, 512 refused naming both sources', () => {
    expect(() => parseMpaRequest({ ...set, connectionString: 'x'.repeat(511) })).not.toThrow();
    expect(problems({ ...set, connectionString: 'x'.repeat(512) })).toMatch(/connectionString: .*at most 511.*under 512/);
  });

  it('invite connection string: 255 kept, 256 refused saying XBL-REST allows 512 but the stricter is kept', () => {
    const invite = { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: ['5'] };
    expect(() => parseMpaRequest({ ...invite, connectionString: 'x'.repeat(255) })).not.toThrow();
    expect(problems({ ...invite, connectionString: 'x'.repeat(256) })).toMatch(/at most 255.*stricter/);
  });

  it('players, groupId, joinRestriction, platform and unknown fields, every problem at once', () => {
    const message = problems({
      ...set,
      maxPlayers: 1,
      currentPlayers: 0,
      groupId: 'g'.repeat(128),
      joinRestriction: 'public',
      platform: 'Switch',
      extra: 1,
    });
    expect(message).toMatch(/^6 problems:/);
    expect(message).toContain('maxPlayers: maxPlayers must be at least 2');
    expect(message).toContain('currentPlayers must be at least 1');
    expect(message).toContain('groupId is at most 127');
    expect(message).toContain('joinRestriction must be one of Public, InviteOnly, Followed');
    expect(message).toContain('platform must be one of');
    expect(message).toContain('Unknown field "extra"');
  });

  it('currentPlayers over maxPlayers, and platform against allowCrossPlatformJoin, are refused', () => {
    expect(problems({ ...set, maxPlayers: 4, currentPlayers: 5 })).toContain('currentPlayers (5) is more than maxPlayers (4)');
    expect(problems({ ...set, allowCrossPlatformJoin: false })).toContain('name the one platform');
    expect(problems({ ...set, allowCrossPlatformJoin: true, platform: 'XboxOne' })).toContain('drop one of them');
  });

  it('list limits: 30 users per query, 16 invitees, 100 recent players; no repeats, none empty', () => {
    const xuids = (count: number) => Array.from({ length: count }, (_, index) => String(index + 1));
    expect(() => parseMpaRequest({ kind: 'mpa.activity.query', titleId: TITLE, users: xuids(30) })).not.toThrow();
    expect(problems({ kind: 'mpa.activity.query', titleId: TITLE, users: xuids(31) })).toContain('at most 30');
    expect(() => parseMpaRequest({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: xuids(16) })).not.toThrow();
    expect(problems({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: xuids(17) })).toContain('at most 16');
    expect(problems({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [] })).toContain('at least one');
    expect(problems({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: ['7', '007'] })).toContain('same XUID twice');
    const players = (count: number) => xuids(count).map((id) => ({ id }));
    expect(() => parseMpaRequest({ kind: 'mpa.recentPlayers.update', titleId: TITLE, recentPlayers: players(100) })).not.toThrow();
    expect(problems({ kind: 'mpa.recentPlayers.update', titleId: TITLE, recentPlayers: players(101) })).toContain('at most 100');
  });

  it('a sequence number must be a positive safe integer', () => {
    expect(problems({ ...set, sequenceNumber: 0 })).toContain('sequenceNumber must be at least 1');
    expect(problems({ ...set, sequenceNumber: 2 ** 60 })).toContain('sequenceNumber must be at most');
    expect(problems({ kind: 'mpa.nope' })).toContain('kind must be one of');
  });
});

describe('sequence numbers as XSAPI computes them', () => {
  it('FILETIME ticks since 2015-01-01 shifted by 16; Unix seconds before 2015', () => {
    // 2015-01-01 + 65536 ticks (6.5536 ms) is 1; XSAPI's own comment: 826888900000000 ticks since 2015 -> 12617323303.
    expect(mpaSequenceNumber(Date.UTC(2015, 0, 1))).toBe(0);
    expect(mpaSequenceNumber(Date.UTC(2015, 0, 1) + 7)).toBe(1);
    expect(mpaSequenceNumber(Date.UTC(2015, 0, 1) + 82_688_890_000)).toBe(12617323303);
    expect(mpaSequenceNumber(Date.UTC(2014, 0, 1))).toBe(Date.UTC(2014, 0, 1) / 1000);
  });

  it('grows with every write even within one 6.55 ms unit', () => {
    const first = nextSequenceNumber(NOW, undefined);
    expect(nextSequenceNumber(NOW, first)).toBe(first + 1);
    expect(nextSequenceNumber(NOW + 1000, first + 1)).toBe(mpaSequenceNumber(NOW + 1000));
  });
});

describe('where MPA calls go, and the invite URI', () => {
  it("Microsoft's MPSD means Microsoft's MPA; a local endpoint serves both", () => {
    expect(mpaBaseUrlFor('https://sessiondirectory.xboxlive.com')).toBe('https://multiplayeractivity.xboxlive.com');
    expect(mpaBaseUrlFor('http://127.0.0.1:7777')).toBe('http://127.0.0.1:7777');
  });

  it('inviteAccept URI percent-encodes a PlayFab-style connection string', () => {
    expect(mpaInviteAcceptUri({ platform: 'pc', titleId: '1234', invitedUser: '2', sender: '1', connectionString: 'a+b/c=' })).toBe(
      'ms-xbl-multiplayer://inviteAccept?invitedUser=2&sender=1&connectionString=a%2Bb%2Fc%3D',
    );
    expect(mpaInviteAcceptUri({ platform: 'console', titleId: '1234', invitedUser: '2', sender: '1' })).toBe(
      'ms-xbl-4d2://inviteAccept?invitedUser=2&sender=1&connectionString=',
    );
  });
});
