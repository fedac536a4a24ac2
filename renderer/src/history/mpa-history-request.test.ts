import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../app/shared/contract/history.ts';
import { parseMpaRequest, buildMpaWire, mpaBaseUrlFor } from '../../../app/shared/mpa/wire.ts';
import type { MpaRequestInput } from '../../../app/shared/mpa/requests.ts';
import { mpaRequestFromHistory } from './mpa-history-request.ts';

const ME = '2814679796296400';
const FRIEND = '2814679796296401';
const OTHER = '2814679796296402';

/** The history entry core records for `request` sent to `endpoint`: the wire call as XSAPI lays it out. */
function recorded(request: MpaRequestInput, endpoint = 'http://127.0.0.1:7777'): HistoryEntry {
  const wire = buildMpaWire(parseMpaRequest(request), { sequenceNumber: 16_000_000_123, now: Date.parse('2026-12-01T13:05:00Z') });
  return {
    id: 'h1',
    at: '2026-12-01T13:05:00.000Z',
    profileId: 'p1',
    profileName: 'MPA dev',
    sandbox: 'XDKS.1',
    kind: request.kind,
    method: wire.method,
    url: `${mpaBaseUrlFor(endpoint)}${wire.path}`,
    outcome: 'ok',
    durationMs: 12,
    request: {
      method: wire.method,
      url: `${mpaBaseUrlFor(endpoint)}${wire.path}`,
      headers: { Authorization: '(hidden)' },
      ...(wire.body === undefined ? {} : { body: JSON.stringify(wire.body) }),
    },
    responseTruncated: false,
  };
}

describe('an MPA history entry read back as the call it recorded', () => {
  const calls: MpaRequestInput[] = [
    {
      kind: 'mpa.activity.set',
      titleId: '1234',
      xuid: ME,
      connectionString: 'lobby-7',
      joinRestriction: 'Followed',
      maxPlayers: 8,
      currentPlayers: 3,
      groupId: 'group-1',
      platform: 'Scarlett',
    },
    { kind: 'mpa.activity.set', titleId: '1234', xuid: ME, connectionString: 'c', joinRestriction: 'Public' },
    { kind: 'mpa.activity.delete', titleId: '1234', xuid: ME },
    { kind: 'mpa.activity.get', titleId: '1234', xuid: FRIEND },
    { kind: 'mpa.activity.query', titleId: '1234', users: [FRIEND, OTHER] },
    { kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [FRIEND, OTHER], connectionString: 'lobby-7', platform: 'Win32' },
    { kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [FRIEND] },
    {
      kind: 'mpa.recentPlayers.update',
      titleId: '1234',
      recentPlayers: [
        { id: FRIEND, encounterType: 'Teammate' },
        { id: OTHER, encounterType: 'Opponent' },
      ],
    },
  ];

  it.each(calls.map((call) => [call.kind, call] as const))('%s: the same call, on a local MPA', (_kind, call) => {
    expect(mpaRequestFromHistory(recorded(call))).toEqual(call);
  });

  it("reads Microsoft's MPA the same (its base URL, not the local origin)", () => {
    const call: MpaRequestInput = { kind: 'mpa.activity.query', titleId: '1234', users: [FRIEND] };
    const entry = recorded(call, 'https://sessiondirectory.xboxlive.com');
    expect(entry.request.url).toContain('multiplayeractivity.xboxlive.com');
    expect(mpaRequestFromHistory(entry)).toEqual(call);
  });

  it("leaves the sequence number out: the sender's next send picks a new one", () => {
    const entry = recorded({ kind: 'mpa.activity.delete', titleId: '1234', xuid: ME, sequenceNumber: 42 });
    expect(entry.request.body).toContain('42');
    expect(mpaRequestFromHistory(entry)).toEqual({ kind: 'mpa.activity.delete', titleId: '1234', xuid: ME });
  });

  it('an invite whose body cannot be read falls back to the invitees History keeps', () => {
    const entry = { ...recorded({ kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [FRIEND] }), invitedXuids: [FRIEND, OTHER] };
    entry.request = { ...entry.request, body: '{not json' };
    expect(mpaRequestFromHistory(entry)).toEqual({ kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [FRIEND, OTHER] });
  });

  it('is undefined when the entry cannot say which call it was (no title in the URL, an MPSD entry, a query without users)', () => {
    const set = recorded({ kind: 'mpa.activity.get', titleId: '1234', xuid: ME });
    expect(mpaRequestFromHistory({ ...set, request: { ...set.request, url: 'http://127.0.0.1:7777/handles' } })).toBeUndefined();
    expect(mpaRequestFromHistory({ ...set, request: { ...set.request, url: 'not a url' } })).toBeUndefined();
    expect(mpaRequestFromHistory({ ...set, kind: 'invite.send' })).toBeUndefined();
    const query = recorded({ kind: 'mpa.activity.query', titleId: '1234', users: [FRIEND] });
    expect(mpaRequestFromHistory({ ...query, request: { ...query.request, body: '{}' } })).toBeUndefined();
  });
});
