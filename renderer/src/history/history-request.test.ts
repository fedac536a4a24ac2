import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../app/shared/contract/history.ts';
import { handleRequestSchema } from '../../../app/shared/mpsd/requests.ts';
import { requestFromHistory, resendRepeatsEffect } from './history-request.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const HANDLE = '5b39030a-07db-4465-879d-00db92267f83';
const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'lobby-7' };

function entry(overrides: Partial<HistoryEntry>): HistoryEntry {
  return {
    id: '1',
    at: '2026-03-01T12:00:00Z',
    profileId: 'p',
    profileName: 'Local',
    sandbox: 'XDKS.1',
    kind: 'activity.set',
    method: 'POST',
    url: 'http://127.0.0.1:7777/handles',
    outcome: 'ok',
    durationMs: 10,
    request: { method: 'POST', url: 'http://127.0.0.1:7777/handles', headers: { Authorization: 'XBL3.0 x=<uhs>;<token>' } },
    responseTruncated: false,
    ...overrides,
  };
}

describe('requestFromHistory', () => {
  it('rebuilds one invite from its body, with the optional attributes it carried and its label', () => {
    const body = {
      version: 1,
      type: 'invite',
      sessionRef,
      invitedXuid: '2814679796296491',
      inviteAttributes: { titleId: '1234', context: 'squad=3' },
    };
    const rebuilt = requestFromHistory(
      entry({
        kind: 'invite.send',
        recipientLabel: 'Alice',
        request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(body) },
      }),
    );
    expect(rebuilt).toEqual({
      request: { kind: 'invite.send', sessionRef, invitedXuids: ['2814679796296491'], titleId: '1234', context: 'squad=3' },
      labels: { '2814679796296491': 'Alice' },
    });
    expect(handleRequestSchema.safeParse(rebuilt!.request).success).toBe(true);
  });

  it('reads the handle id of handle calls from the URL', () => {
    for (const kind of ['handle.get', 'handle.delete', 'handle.session'] as const) {
      const url = `http://127.0.0.1:7777/handles/${HANDLE}${kind === 'handle.session' ? '/session' : ''}`;
      expect(requestFromHistory(entry({ kind, request: { method: 'GET', url, headers: {} } }))?.request).toEqual({
        kind,
        handleId: HANDLE,
      });
    }
  });

  it('rebuilds a people query and a session join from their bodies', () => {
    const query = { type: 'activity', scid: SCID, owners: { people: { moniker: 'friends', monikerXuid: '42' } } };
    expect(
      requestFromHistory(entry({ kind: 'activity.query', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(query) } }))
        ?.request,
    ).toEqual({
      kind: 'activity.query',
      scid: SCID,
      people: { moniker: 'friends', monikerXuid: '42' },
    });
    const join = { members: { me: { constants: { system: { initialize: true, xuid: '42' } }, properties: { system: { active: true } } } } };
    expect(
      requestFromHistory(
        entry({
          kind: 'session.join',
          scid: SCID,
          templateName: 'GameSession',
          sessionName: 'lobby-7',
          request: { method: 'PUT', url: 'x', headers: {}, body: JSON.stringify(join) },
        }),
      )?.request,
    ).toEqual({ kind: 'session.join', sessionRef, xuid: '42' });
  });

  it('takes the owner of a clear from the query step, or else the signed-in user', () => {
    const query = { type: 'activity', scid: SCID, owners: { xuids: ['42'] } };
    expect(
      requestFromHistory(entry({ kind: 'activity.clear', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(query) } }))
        ?.request,
    ).toEqual({
      kind: 'activity.clear',
      scid: SCID,
      ownerXuid: '42',
    });
    const deleteStep = entry({
      kind: 'activity.clear',
      scid: SCID,
      request: { method: 'DELETE', url: `x/handles/${HANDLE}`, headers: {} },
    });
    expect(requestFromHistory(deleteStep, '77')?.request).toEqual({ kind: 'activity.clear', scid: SCID, ownerXuid: '77' });
    expect(requestFromHistory(deleteStep)).toBeUndefined();
  });

  it('says it cannot rebuild instead of guessing when the entry lacks a part', () => {
    expect(
      requestFromHistory(entry({ kind: 'activity.set', request: { method: 'POST', url: 'x', headers: {}, body: '{not json' } })),
    ).toBeUndefined();
    const invite = { type: 'invite', sessionRef, invitedXuid: '42', inviteAttributes: {} };
    expect(
      requestFromHistory(entry({ kind: 'invite.send', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(invite) } })),
    ).toBeUndefined();
  });

  it('rebuilds a join through a handle from its URL and body, active only when it was', () => {
    const url = `http://127.0.0.1:7777/handles/${HANDLE}/session`;
    const join = (active: boolean) => ({ members: { me: { constants: { system: { xuid: '42' } }, properties: { system: { active } } } } });
    const rebuilt = (active: boolean) =>
      requestFromHistory(entry({ kind: 'handle.join', request: { method: 'PUT', url, headers: {}, body: JSON.stringify(join(active)) } }))
        ?.request;
    expect(rebuilt(true)).toEqual({ kind: 'handle.join', handleId: HANDLE, xuid: '42', active: true });
    expect(rebuilt(false)).toEqual({ kind: 'handle.join', handleId: HANDLE, xuid: '42' });
    expect(handleRequestSchema.safeParse(rebuilt(true)).success).toBe(true);
  });

  it('rebuilds a transfer handle with its origin, and refuses to guess the origin when the body lacks it', () => {
    const origin = { ...sessionRef, templateName: 'LobbySession', name: 'lobby-9' };
    const body = { version: 1, type: 'transfer', sessionRef, originSessionRef: origin };
    const rebuilt = requestFromHistory(
      entry({ kind: 'transfer.create', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(body) } }),
    );
    expect(rebuilt?.request).toEqual({ kind: 'transfer.create', sessionRef, originSessionRef: origin });
    expect(handleRequestSchema.safeParse(rebuilt!.request).success).toBe(true);
    const withoutOrigin = { version: 1, type: 'transfer', sessionRef };
    expect(
      requestFromHistory(
        entry({
          kind: 'transfer.create',
          ...sessionRef,
          request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(withoutOrigin) },
        }),
      ),
    ).toBeUndefined();
  });

  it('rebuilds a search handle with the attribute groups that held something', () => {
    const body = { version: 1, type: 'search', sessionRef, searchAttributes: { tags: ['elite'], strings: {}, numbers: { minlevel: 25 } } };
    const rebuilt = requestFromHistory(
      entry({ kind: 'search.create', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(body) } }),
    );
    expect(rebuilt?.request).toEqual({
      kind: 'search.create',
      sessionRef,
      searchAttributes: { tags: ['elite'], numbers: { minlevel: 25 } },
    });
    expect(handleRequestSchema.safeParse(rebuilt!.request).success).toBe(true);
    const bare = { ...body, searchAttributes: { tags: [], strings: {}, numbers: {} } };
    expect(
      requestFromHistory(entry({ kind: 'search.create', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(bare) } }))
        ?.request,
    ).toEqual({
      kind: 'search.create',
      sessionRef,
    });
  });

  it('rebuilds a search query with its filter, order and people', () => {
    const filter = "tags/any(d:tolower(d) eq 'elite') and numbers/minlevel le 30";
    const body = {
      type: 'search',
      scid: SCID,
      templateName: 'LobbySession',
      orderBy: 'numbers/minlevel desc',
      filter,
      sessionMembers: { people: { moniker: 'friends', monikerXuid: '42' } },
      global: true,
    };
    const rebuilt = requestFromHistory(
      entry({ kind: 'search.query', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(body) } }),
    );
    expect(rebuilt?.request).toEqual({
      kind: 'search.query',
      scid: SCID,
      templateName: 'LobbySession',
      filter,
      orderBy: 'numbers/minlevel desc',
      people: { moniker: 'friends', monikerXuid: '42' },
    });
    expect(handleRequestSchema.safeParse(rebuilt!.request).success).toBe(true);
    const unknownMoniker = { ...body, sessionMembers: { people: { moniker: 'enemies', monikerXuid: '42' } } };
    expect(
      requestFromHistory(
        entry({ kind: 'search.query', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(unknownMoniker) } }),
      ),
    ).toBeUndefined();
  });

  it('asks before resending what repeats an effect, not before a read or a delete', () => {
    for (const kind of [
      'invite.send',
      'activity.set',
      'session.join',
      'handle.join',
      'transfer.create',
      'search.create',
      'mpa.activity.set',
      'mpa.invite.send',
    ] as const)
      expect(resendRepeatsEffect(kind), kind).toBe(true);
    // MPA's recent players are additive (the same list again changes nothing), its delete and reads repeat nothing.
    for (const kind of [
      'handle.get',
      'handle.delete',
      'search.query',
      'activity.query',
      'session.get',
      'mpa.activity.get',
      'mpa.activity.query',
      'mpa.activity.delete',
      'mpa.recentPlayers.update',
    ] as const)
      expect(resendRepeatsEffect(kind), kind).toBe(false);
  });
});
