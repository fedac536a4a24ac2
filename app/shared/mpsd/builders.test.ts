import { describe, expect, it } from 'vitest';
import { activityClearQuery, buildWireRequests, deleteHandle, JSON_CONTENT_TYPE } from './builders.ts';
import { parseHandleRequest, type ActivityClearRequest } from './requests.ts';

const SESSION_REF = { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' };
const SESSION_PATH = '/serviceconfigs/bd6c41c3-01c3-468a-a3b5-3e0fe8133862/sessionTemplates/GameSession/sessions/lobby-7';
const ME = '2814679796296491';
const HANDLE_ID = '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13';

const build = (input: unknown) => buildWireRequests(parseHandleRequest(input));

describe('invites', () => {
  it('are one POST per invitee, in order, bodies as Microsoft sends them', () => {
    const wires = build({
      kind: 'invite.send',
      sessionRef: SESSION_REF,
      invitedXuids: ['111', '222'],
      titleId: '0x4D2',
      context: 'room=7',
    });
    expect(wires.map((wire) => wire.invitedXuid)).toEqual(['111', '222']);
    expect(wires[1]).toEqual({
      kind: 'invite.send',
      method: 'POST',
      path: '/handles',
      headers: { 'Content-Type': JSON_CONTENT_TYPE },
      body: {
        version: 1,
        type: 'invite',
        sessionRef: SESSION_REF,
        invitedXuid: '222',
        inviteAttributes: { titleId: '1234', context: 'room=7' },
      },
      sessionRef: SESSION_REF,
      invitedXuid: '222',
      notIdempotent: true,
    });
  });

  it('omit unset attributes instead of sending empty strings', () => {
    const [wire] = build({
      kind: 'invite.send',
      sessionRef: SESSION_REF,
      invitedXuids: ['111'],
      titleId: 7,
      context: '',
      senderString: 'Tournament bot',
    });
    expect(JSON.stringify(wire?.body)).not.toContain('""');
    expect((wire?.body as { inviteAttributes: unknown }).inviteAttributes).toEqual({ titleId: '7', senderString: 'Tournament bot' });
  });
});

describe('activities', () => {
  it('set: POST /handles with all three sessionRef parts, not idempotent', () => {
    const [wire] = build({ kind: 'activity.set', sessionRef: SESSION_REF });
    expect(wire).toMatchObject({
      method: 'POST',
      path: '/handles',
      notIdempotent: true,
      body: { version: 1, type: 'activity', sessionRef: SESSION_REF },
    });
  });

  it('set with the service naming the session leaves name out of the body', () => {
    const [wire] = build({
      kind: 'activity.set',
      sessionRef: { scid: SESSION_REF.scid, templateName: 'GameSession' },
      letServiceNameSession: true,
    });
    expect(wire?.body).toEqual({ version: 1, type: 'activity', sessionRef: { scid: SESSION_REF.scid, templateName: 'GameSession' } });
    expect(wire?.sessionRef).toBeUndefined();
  });

  it('query by xuids or by moniker, a retry-safe POST', () => {
    const [byXuids] = build({ kind: 'activity.query', scid: SESSION_REF.scid, xuids: [ME, '5'] });
    expect(byXuids).toMatchObject({
      path: '/handles/query?include=relatedInfo,customProperties',
      notIdempotent: false,
      body: { type: 'activity', scid: SESSION_REF.scid, owners: { xuids: [ME, '5'] } },
    });
    const [byMoniker] = build({ kind: 'activity.query', scid: SESSION_REF.scid, people: { moniker: 'people', monikerXuid: ME } });
    expect(byMoniker?.body).toEqual({
      type: 'activity',
      scid: SESSION_REF.scid,
      owners: { people: { moniker: 'people', monikerXuid: ME } },
    });
  });

  it('clear is a query for my activity, then a delete of the handle found, both filed as activity.clear', () => {
    const request = parseHandleRequest({ kind: 'activity.clear', scid: SESSION_REF.scid, ownerXuid: ME }) as ActivityClearRequest;
    expect(activityClearQuery(request)).toMatchObject({ kind: 'activity.clear', body: { owners: { xuids: [ME] } } });
    expect(deleteHandle(HANDLE_ID, 'activity.clear')).toEqual({
      kind: 'activity.clear',
      method: 'DELETE',
      path: `/handles/${HANDLE_ID}`,
      headers: {},
      notIdempotent: false,
    });
  });
});

describe('handles and sessions', () => {
  it('address the handle or session path, with bodies only where MPSD takes one', () => {
    expect(build({ kind: 'handle.get', handleId: HANDLE_ID })[0]).toMatchObject({
      method: 'GET',
      path: `/handles/${HANDLE_ID}`,
      headers: {},
    });
    expect(build({ kind: 'handle.session', handleId: HANDLE_ID })[0]).toMatchObject({
      method: 'GET',
      path: `/handles/${HANDLE_ID}/session`,
    });
    expect(build({ kind: 'handle.delete', handleId: HANDLE_ID })[0]).toMatchObject({ kind: 'handle.delete', method: 'DELETE' });
    expect(build({ kind: 'session.get', sessionRef: SESSION_REF })[0]).toMatchObject({
      method: 'GET',
      path: SESSION_PATH,
      notIdempotent: false,
    });
    expect(build({ kind: 'session.leave', sessionRef: SESSION_REF })[0]).toMatchObject({
      method: 'DELETE',
      path: `${SESSION_PATH}/members/me`,
      notIdempotent: true,
    });
  });

  it('join PUTs the caller as an initialised, active member', () => {
    const [wire] = build({ kind: 'session.join', sessionRef: SESSION_REF, xuid: ME });
    expect(wire).toMatchObject({ method: 'PUT', path: SESSION_PATH, notIdempotent: true, headers: { 'Content-Type': JSON_CONTENT_TYPE } });
    expect(wire?.body).toEqual({
      members: { me: { constants: { system: { initialize: true, xuid: ME } }, properties: { system: { active: true } } } },
    });
  });
});

describe('handle joins, transfer and search handles', () => {
  const LOBBY = { ...SESSION_REF, templateName: 'LobbySession', name: 'lobby-1' };

  it('handle join PUTs members.me through the handle, active only when asked', () => {
    const [inactive] = build({ kind: 'handle.join', handleId: HANDLE_ID, xuid: ME });
    expect(inactive).toEqual({
      kind: 'handle.join',
      method: 'PUT',
      path: `/handles/${HANDLE_ID}/session`,
      headers: { 'Content-Type': JSON_CONTENT_TYPE },
      body: { members: { me: { constants: { system: { xuid: ME } }, properties: { system: { active: false } } } } },
      notIdempotent: true,
    });
    const [active] = build({ kind: 'handle.join', handleId: HANDLE_ID, xuid: ME, active: true });
    expect(active?.body).toEqual({ members: { me: { constants: { system: { xuid: ME } }, properties: { system: { active: true } } } } });
  });

  it('transfer POSTs the target and the origin session, as XSAPI does', () => {
    const [wire] = build({ kind: 'transfer.create', sessionRef: SESSION_REF, originSessionRef: LOBBY });
    expect(wire).toMatchObject({ kind: 'transfer.create', method: 'POST', path: '/handles', notIdempotent: true, sessionRef: SESSION_REF });
    expect(wire?.body).toEqual({ version: 1, type: 'transfer', sessionRef: SESSION_REF, originSessionRef: LOBBY });
  });

  it('search handle POSTs all three attribute groups, empty ones included', () => {
    const [wire] = build({
      kind: 'search.create',
      sessionRef: SESSION_REF,
      searchAttributes: { tags: ['micsrequired', 'micsrequired'], numbers: { Skill_D: 10.145 } },
    });
    expect(wire?.body).toEqual({
      version: 1,
      type: 'search',
      sessionRef: SESSION_REF,
      searchAttributes: { tags: ['micsrequired'], strings: {}, numbers: { Skill_D: 10.145 } },
    });
    const [bare] = build({ kind: 'search.create', sessionRef: SESSION_REF });
    expect((bare?.body as { searchAttributes: unknown }).searchAttributes).toEqual({ tags: [], strings: {}, numbers: {} });
  });

  it('search query is a retry-safe POST /handles/query with relatedInfo and custom properties', () => {
    const [wire] = build({
      kind: 'search.query',
      scid: SESSION_REF.scid,
      templateName: 'GameSession',
      filter: 'numbers/rank lt 60',
      orderBy: 'numbers/rank desc',
      people: { moniker: 'favorites', monikerXuid: ME },
    });
    expect(wire).toMatchObject({
      kind: 'search.query',
      method: 'POST',
      path: '/handles/query?include=relatedInfo,customProperties',
      notIdempotent: false,
    });
    expect(wire?.body).toEqual({
      type: 'search',
      scid: SESSION_REF.scid,
      templateName: 'GameSession',
      orderBy: 'numbers/rank desc',
      filter: 'numbers/rank lt 60',
      sessionMembers: { people: { moniker: 'favorites', monikerXuid: ME } },
      global: true,
    });
    const [everything] = build({ kind: 'search.query', scid: SESSION_REF.scid, templateName: 'GameSession' });
    expect(everything?.body).toEqual({ type: 'search', scid: SESSION_REF.scid, templateName: 'GameSession', global: true });
  });
});
