import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { callAs, inviteBody, manualClock, sessionPath, userAt } from './test-calls.fixture.ts';

let mpsd: LocalMpsd;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  clock = manualClock();
  mpsd = await startLocalMpsd({ clock });
});

afterEach(async () => {
  await mpsd.stop();
});

function control(method: string, path: string, body?: unknown) {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  return fetch(`${mpsd.url}/_emulator/${path}`, init);
}

describe('reading the emulator', () => {
  it('lists the users with the Authorization values issued at start', async () => {
    const answer = await control('GET', 'users');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-xblcorrelationid')).toBeTruthy();
    expect(await answer.json()).toEqual({ users: mpsd.users });
  });

  it('lists every invite and the counters, without counting its own calls', async () => {
    const sent = await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', { body: inviteBody(userAt(mpsd, 2).xuid) });
    const invites = (await (await control('GET', 'invites')).json()) as { invites: Array<{ id: string; invitedXuid: string }> };
    expect(invites.invites.map((invite) => [invite.id, invite.invitedXuid])).toEqual([
      [(sent.json as { id: string }).id, userAt(mpsd, 2).xuid],
    ]);
    expect(await (await control('GET', 'stats')).json()).toEqual({ requests: 1, throttled: 0, handlesCreated: 1, invitesCreated: 1 });
  });
});

describe('changing the emulator', () => {
  it('sets a fault from JSON and clears it with null', async () => {
    const set = await control('POST', 'faults', { kind: 'status', status: 503, retryAfterSeconds: 3 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ fault: { kind: 'status', status: 503, retryAfterSeconds: 3 } });
    expect((await callAs(mpsd, userAt(mpsd, 0), 'GET', sessionPath('lobby'))).status).toBe(503);
    const cleared = await control('POST', 'faults', null);
    expect(await cleared.json()).toEqual({ fault: null });
    expect((await callAs(mpsd, userAt(mpsd, 0), 'GET', sessionPath('lobby'))).status).toBe(204);
  });

  it('refuses a bad fault rule with 400 and the reason', async () => {
    const answer = await control('POST', 'faults', { kind: 'status', status: 404 });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe('Fault status must be 500 or 503.');
    expect(mpsd.faults.current()).toBeNull();
  });

  it('issues a token that MPSD accepts, and an already expired one when asked', async () => {
    const user = userAt(mpsd, 1);
    const fresh = await control('POST', 'tokens', { xuid: user.xuid, expiresInSeconds: 600 });
    expect(fresh.status).toBe(201);
    const token = (await fresh.json()) as { authorization: string; notAfter: string; uhs: string; token: string };
    expect(token.notAfter).toBe(new Date(clock.now() + 600_000).toISOString());
    const withFresh = await callAs(mpsd, { ...user, authorization: token.authorization }, 'GET', sessionPath('lobby'));
    expect(withFresh.status).toBe(204);
    const expired = (await (await control('POST', 'tokens', { xuid: user.xuid, expiresInSeconds: -1 })).json()) as {
      authorization: string;
    };
    const withExpired = await callAs(mpsd, { ...user, authorization: expired.authorization }, 'GET', sessionPath('lobby'));
    expect(withExpired.status).toBe(401);
  });

  it.each([
    [{ expiresInSeconds: 60 }, 400, 'xuid is required'],
    [{ xuid: '2814660000000001', expiresInSeconds: 'soon' }, 400, 'expiresInSeconds must be a whole number of seconds'],
    [{ xuid: '2814660000000001', scope: 'all' }, 400, 'scope is not a field'],
    [{ xuid: '77' }, 404, 'XUID 77 is not a user of this emulator'],
  ])('refuses the token request %o', async (body, status, reason) => {
    const answer = await control('POST', 'tokens', body);
    expect(answer.status).toBe(status);
    expect(await answer.text()).toContain(reason);
  });

  it('needs a JSON Content-Type on control bodies', async () => {
    const answer = await fetch(`${mpsd.url}/_emulator/tokens`, {
      method: 'POST',
      body: '{"xuid":"2814660000000001"}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(answer.status).toBe(400);
  });
});

describe('the follow graph', () => {
  it('replaces the lists of the users it names, reads back, and refuses what it cannot use, naming the field', async () => {
    const [me, friend, other] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    expect(await (await control('GET', 'follows')).json()).toEqual({ follows: {} });
    expect((await control('POST', 'follows', { [me.xuid]: { follows: [friend.xuid, other.xuid], favorites: [other.xuid] } })).status).toBe(
      200,
    );
    expect((await control('POST', 'follows', { [friend.xuid]: { follows: [me.xuid] } })).status).toBe(200);
    expect(await (await control('GET', 'follows')).json()).toEqual({
      follows: {
        [me.xuid]: { follows: [friend.xuid, other.xuid], favorites: [other.xuid] },
        [friend.xuid]: { follows: [me.xuid], favorites: [] },
      },
    });
    const stranger = await control('POST', 'follows', { [me.xuid]: { follows: ['42'] } });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain(`${me.xuid}.follows.0: is not a test user of this emulator`);
    const badKey = await control('POST', 'follows', { alice: { follows: [] } });
    expect(await badKey.text()).toContain('alice: each key must be the decimal XUID of a test user');
    const favorite = await control('POST', 'follows', { [me.xuid]: { follows: [], favorites: [friend.xuid] } });
    expect(await favorite.text()).toContain(`favorite ${friend.xuid} must also be in ${me.xuid}'s follows list`);
    const extra = await control('POST', 'follows', { [me.xuid]: { follows: [], blocks: [] } });
    expect(await extra.text()).toContain('Unknown field "blocks"');
    // A refused body changes nothing.
    expect(
      ((await (await control('GET', 'follows')).json()) as { follows: Record<string, { follows: string[] }> }).follows[me.xuid]?.follows,
    ).toEqual([friend.xuid, other.xuid]);
    const wrong = await control('PUT', 'follows', {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
  });
});

describe('control paths and methods', () => {
  it('answers 404 for unknown control paths and 405 for wrong methods', async () => {
    expect((await control('GET', 'sessions')).status).toBe(404);
    const wrong = await control('GET', 'faults');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});
