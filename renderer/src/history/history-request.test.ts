import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../app/shared/contract/history.ts';
import { handleRequestSchema } from '../../../app/shared/mpsd/requests.ts';
import { requestFromHistory } from './history-request.ts';

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
    const body = { version: 1, type: 'invite', sessionRef, invitedXuid: '2814679796296491', inviteAttributes: { titleId: '1234', context: 'squad=3' } };
    const rebuilt = requestFromHistory(
      entry({ kind: 'invite.send', recipientLabel: 'Alice', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(body) } }),
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
      expect(requestFromHistory(entry({ kind, request: { method: 'GET', url, headers: {} } }))?.request).toEqual({ kind, handleId: HANDLE });
    }
  });

  it('rebuilds a people query and a session join from their bodies', () => {
    const query = { type: 'activity', scid: SCID, owners: { people: { moniker: 'friends', monikerXuid: '42' } } };
    expect(requestFromHistory(entry({ kind: 'activity.query', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(query) } }))?.request).toEqual({
      kind: 'activity.query',
      scid: SCID,
      people: { moniker: 'friends', monikerXuid: '42' },
    });
    const join = { members: { me: { constants: { system: { initialize: true, xuid: '42' } }, properties: { system: { active: true } } } } };
    expect(
      requestFromHistory(entry({ kind: 'session.join', scid: SCID, templateName: 'GameSession', sessionName: 'lobby-7', request: { method: 'PUT', url: 'x', headers: {}, body: JSON.stringify(join) } }))?.request,
    ).toEqual({ kind: 'session.join', sessionRef, xuid: '42' });
  });

  it('takes the owner of a clear from the query step, or else the signed-in user', () => {
    const query = { type: 'activity', scid: SCID, owners: { xuids: ['42'] } };
    expect(requestFromHistory(entry({ kind: 'activity.clear', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(query) } }))?.request).toEqual({
      kind: 'activity.clear',
      scid: SCID,
      ownerXuid: '42',
    });
    const deleteStep = entry({ kind: 'activity.clear', scid: SCID, request: { method: 'DELETE', url: `x/handles/${HANDLE}`, headers: {} } });
    expect(requestFromHistory(deleteStep, '77')?.request).toEqual({ kind: 'activity.clear', scid: SCID, ownerXuid: '77' });
    expect(requestFromHistory(deleteStep)).toBeUndefined();
  });

  it('says it cannot rebuild instead of guessing when the entry lacks a part', () => {
    expect(requestFromHistory(entry({ kind: 'activity.set', request: { method: 'POST', url: 'x', headers: {}, body: '{not json' } }))).toBeUndefined();
    const invite = { type: 'invite', sessionRef, invitedXuid: '42', inviteAttributes: {} };
    expect(requestFromHistory(entry({ kind: 'invite.send', request: { method: 'POST', url: 'x', headers: {}, body: JSON.stringify(invite) } }))).toBeUndefined();
  });
});
