import { afterEach, describe, expect, it } from 'vitest';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import { createMpsdClient } from './client.ts';
import type { FanOutProgress } from './fan-out.ts';
import { ownedActivityHandleIds, performRequest } from './operations.ts';
import { createRateBudget } from './rate-budget.ts';
import { startScriptedMpsd, type MpsdScript, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const SESSION_REF = { scid: SCID, templateName: 'GameSession', name: 'lobby-7' };
const ME = '2814679796296491';
const FRIEND = '2814679796296777';
const MY_ACTIVITY = '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13';
const FRIENDS_ACTIVITY = '9f0e8a33-1111-4bc1-aa22-fcf834ce4c13';

let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function setup(script: MpsdScript) {
  mpsd = await startScriptedMpsd(script);
  const clock = createVirtualClock();
  const client = createMpsdClient({
    fetch: globalThis.fetch,
    baseUrl: mpsd.url,
    contractVersion: 107,
    locale: 'en-US',
    authorization: { current: async () => 'XBL3.0 x=1;eyJ.operations-token', renew: async () => 'XBL3.0 x=1;eyJ.operations-token' },
    clock,
  });
  return { context: { client, budget: createRateBudget({ clock }), clock }, server: mpsd, clock };
}

const activity = (id: string, ownerXuid: string) => ({
  id,
  type: 'activity',
  version: 1,
  ownerXuid,
  sessionRef: SESSION_REF,
  relatedInfo: { closed: false },
});
const clear = parseHandleRequest({ kind: 'activity.clear', scid: SCID, ownerXuid: ME });

describe('activity.clear', () => {
  it('queries my activity and deletes only the handle I own', async () => {
    const { context, server } = await setup((call) =>
      call.method === 'POST'
        ? { status: 200, body: { results: [activity(MY_ACTIVITY, ME), activity(FRIENDS_ACTIVITY, FRIEND)] } }
        : { status: 204 },
    );
    const outcome = await performRequest(clear, context);
    expect(outcome.error).toBeUndefined();
    expect(outcome.clearedHandleIds).toEqual([MY_ACTIVITY]);
    expect(server.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /handles/query?include=relatedInfo,customProperties',
      `DELETE /handles/${MY_ACTIVITY}`,
    ]);
    expect(outcome.exchanges.map((exchange) => exchange.kind)).toEqual(['activity.clear', 'activity.clear']);
    expect(outcome.exchanges[1]?.handleId).toBe(MY_ACTIVITY);
  });

  it('succeeds with nothing cleared when no activity is set', async () => {
    const { context, server } = await setup(() => ({ status: 200, body: { results: [] } }));
    const outcome = await performRequest(clear, context);
    expect(outcome).toMatchObject({ clearedHandleIds: [], exchanges: [expect.anything()] });
    expect(outcome.error).toBeUndefined();
    expect(server.calls).toHaveLength(1);
  });

  it('stops with the query error and deletes nothing when the query is refused', async () => {
    const { context, server } = await setup(() => ({ status: 403, body: 'The requested service config cannot be accessed.' }));
    const outcome = await performRequest(clear, context);
    expect(outcome.error?.code).toBe('FORBIDDEN');
    expect(outcome.error?.message).toContain('The requested service config cannot be accessed.');
    expect(server.calls).toHaveLength(1);
  });

  it('counts a handle MPSD already removed (404 on delete) as cleared', async () => {
    const { context } = await setup((call) =>
      call.method === 'POST' ? { status: 200, body: { results: [activity(MY_ACTIVITY, ME)] } } : { status: 404, body: 'Handle not found.' },
    );
    const outcome = await performRequest(clear, context);
    expect(outcome.error).toBeUndefined();
    expect(outcome.clearedHandleIds).toEqual([MY_ACTIVITY]);
  });
});

describe('invite.send', () => {
  it('fans out, reports each invitee and the first problem, and streams progress', async () => {
    const { context } = await setup((call) => {
      const xuid = (call.json as { invitedXuid: string }).invitedXuid;
      return xuid === FRIEND
        ? { status: 403, body: 'The user does not have the multiplayer privilege.' }
        : { status: 201, body: { id: MY_ACTIVITY } };
    });
    const progress: FanOutProgress[] = [];
    const request = parseHandleRequest({ kind: 'invite.send', sessionRef: SESSION_REF, invitedXuids: ['5', FRIEND, '6'], titleId: 1 });
    const outcome = await performRequest(request, { ...context, concurrency: 1, onProgress: (event) => progress.push(event) });
    expect(outcome.invitees?.map((invitee) => invitee.state)).toEqual(['sent', 'failed', 'sent']);
    expect(outcome.exchanges).toHaveLength(3);
    expect(outcome.error?.code).toBe('FORBIDDEN');
    expect(outcome.error?.message).toContain('multiplayer privilege');
    expect(progress).toHaveLength(3);
  });
});

describe('single calls', () => {
  it('returns the one exchange, with its error when MPSD refused', async () => {
    const { context } = await setup((call) =>
      call.method === 'GET' && call.path.startsWith('/handles/') ? { status: 404, body: 'Handle not found.' } : { status: 204 },
    );
    const missing = await performRequest(parseHandleRequest({ kind: 'handle.get', handleId: MY_ACTIVITY }), context);
    expect(missing.exchanges).toHaveLength(1);
    expect(missing.error?.code).toBe('NOT_FOUND');
    const noSession = await performRequest(parseHandleRequest({ kind: 'session.get', sessionRef: SESSION_REF }), context);
    expect(noSession.error).toBeUndefined();
    expect(noSession.exchanges[0]?.response?.status).toBe(204);
  });
});

describe('search handles', () => {
  const query = parseHandleRequest({ kind: 'search.query', scid: SCID, templateName: 'GameSession' });
  const create = parseHandleRequest({ kind: 'search.create', sessionRef: SESSION_REF, searchAttributes: { tags: ['elite'] } });

  it('pace reads and writes by their own window: a second search waits 15 s, a write or another call does not', async () => {
    const { context, clock, server } = await setup((call) =>
      call.method === 'POST' && call.path === '/handles'
        ? { status: 201, body: { id: MY_ACTIVITY } }
        : { status: 200, body: { results: [] } },
    );
    await performRequest(query, context);
    await performRequest(create, context);
    await performRequest(parseHandleRequest({ kind: 'handle.get', handleId: MY_ACTIVITY }), context);
    expect(clock.sleeps).toEqual([]);
    const second = await performRequest(query, context);
    expect(second.error).toBeUndefined();
    // One read per 15 s, plus the budget's safety margin for travel time.
    expect(clock.sleeps).toEqual([15_250]);
    expect(server.calls).toHaveLength(4);
  });

  it('each user has their own search window', async () => {
    const { context, clock } = await setup(() => ({ status: 200, body: { results: [] } }));
    await performRequest(query, context);
    await performRequest(query, { ...context, budget: createRateBudget({ clock }) });
    expect(clock.sleeps).toEqual([]);
  });

  it('a created search handle reports its id', async () => {
    const { context } = await setup(() => ({ status: 201, body: { id: MY_ACTIVITY.toUpperCase(), type: 'search' } }));
    const outcome = await performRequest(create, context);
    expect(outcome.exchanges[0]?.handleId).toBe(MY_ACTIVITY);
  });
});

describe('joining through a handle', () => {
  it('names the session it reached, from Content-Location', async () => {
    const { context, server } = await setup(() => ({
      status: 200,
      headers: { 'content-location': `/serviceconfigs/${SCID}/sessiontemplates/GameSession/sessions/Lobby.7` },
      body: { members: {} },
    }));
    const outcome = await performRequest(
      parseHandleRequest({ kind: 'handle.join', handleId: MY_ACTIVITY, xuid: ME, active: true }),
      context,
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.exchanges[0]?.sessionRef).toEqual({ ...SESSION_REF, name: 'Lobby.7' });
    expect(server.calls[0]).toMatchObject({ method: 'PUT', path: `/handles/${MY_ACTIVITY}/session` });
    expect(server.calls[0]?.json).toEqual({
      members: { me: { constants: { system: { xuid: ME } }, properties: { system: { active: true } } } },
    });
  });

  it('names no session when MPSD answered without one (204: the session is gone)', async () => {
    const { context } = await setup(() => ({ status: 204 }));
    const outcome = await performRequest(parseHandleRequest({ kind: 'handle.session', handleId: MY_ACTIVITY }), context);
    expect(outcome.exchanges[0]?.sessionRef).toBeUndefined();
  });
});

describe('ownedActivityHandleIds', () => {
  it('reads leniently and ignores what is not an owned activity', () => {
    expect(ownedActivityHandleIds(undefined, ME)).toEqual([]);
    expect(ownedActivityHandleIds({ results: 'nope' }, ME)).toEqual([]);
    expect(
      ownedActivityHandleIds(
        {
          results: [
            { id: MY_ACTIVITY.toUpperCase() },
            { id: 'not-a-guid', ownerXuid: ME },
            { id: FRIENDS_ACTIVITY, type: 'invite', ownerXuid: ME },
            null,
          ],
        },
        ME,
      ),
    ).toEqual([MY_ACTIVITY]);
  });
});
