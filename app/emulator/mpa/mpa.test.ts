import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMpsd, LocalMpsdUser } from '../index.ts';
import { startLocalMpsd } from '../index.ts';
import { callAs, control, follow, manualClock, userAt, withToken, type CallOptions } from '../test-calls.fixture.ts';

const TITLE = '1234';
let mpsd: LocalMpsd | undefined;
let clock: ReturnType<typeof manualClock>;

afterEach(async () => {
  await mpsd?.stop();
  mpsd = undefined;
});

function running(): LocalMpsd {
  if (mpsd === undefined) throw new Error('start() first');
  return mpsd;
}

async function start(rateLimits = false): Promise<LocalMpsd> {
  clock = manualClock();
  mpsd = await startLocalMpsd({ rateLimits, clock });
  return mpsd;
}

/** An MPA call as XSAPI makes it: contract version 1, JSON body. */
function mpa(user: LocalMpsdUser, method: string, path: string, body?: unknown, headers: CallOptions['headers'] = {}) {
  return callAs(running(), user, method, path, {
    ...(body === undefined ? {} : { body }),
    headers: { 'x-xbl-contract-version': '1', 'Accept-Language': null, ...headers },
  });
}

let sequence = 1000;
function setBody(fields: Record<string, unknown> = {}) {
  sequence += 1;
  return { sequenceNumber: sequence, connectionString: 'lobby:9f2c', joinRestriction: 'Public', ...fields };
}

const activityPath = (user: LocalMpsdUser, title = TITLE) => `/titles/${title}/users/${user.xuid}/activities`;

function activitiesSeen(viewer: LocalMpsdUser, ...owners: LocalMpsdUser[]) {
  return mpa(viewer, 'POST', `/titles/${TITLE}/activities/query`, { users: owners.map((owner) => owner.xuid) });
}

describe('activities: set, read, delete', () => {
  it('A sets an activity and invites B; B queries A and sees the connection string; the invite is recorded', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    expect(
      (await mpa(a, 'PUT', activityPath(a), setBody({ maxPlayers: 8, currentPlayers: 1, groupId: 'g1', platform: 'Scarlett' }))).status,
    ).toBe(204);
    expect((await mpa(a, 'POST', `/titles/${TITLE}/invites`, { invitedUsers: [b.xuid], connectionString: 'lobby:9f2c' })).status).toBe(204);
    const seen = await activitiesSeen(b, a);
    expect(seen.status).toBe(200);
    expect(seen.json).toEqual({
      userActivities: [
        {
          userId: a.xuid,
          activities: [
            {
              sequenceNumber: sequence,
              titleId: 1234,
              connectionString: 'lobby:9f2c',
              joinRestriction: 'Public',
              maxPlayers: 8,
              currentPlayers: 1,
              groupId: 'g1',
              platform: 'Scarlett',
            },
          ],
        },
      ],
    });
    expect(running().mpa().invites).toEqual([
      expect.objectContaining({ sender: a.xuid, invitedUser: b.xuid, connectionString: 'lobby:9f2c', titleId: TITLE }),
    ]);
    const one = await mpa(b, 'GET', activityPath(a));
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ titleId: 1234, connectionString: 'lobby:9f2c' });
  });

  it('GET of a user without an activity is 204; delete removes it; a query lists them with []', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    expect((await mpa(b, 'GET', activityPath(a))).status).toBe(204);
    await mpa(a, 'PUT', activityPath(a), setBody());
    sequence += 1;
    expect((await mpa(a, 'DELETE', activityPath(a), { sequenceNumber: sequence })).status).toBe(204);
    expect((await mpa(b, 'GET', activityPath(a))).status).toBe(204);
    expect((await activitiesSeen(b, a)).json).toEqual({ userActivities: [{ userId: a.xuid, activities: [] }] });
  });

  it('a sequence number not above the last one is refused and counted; a string sequence number is read', async () => {
    await start();
    const a = userAt(running(), 0);
    await mpa(a, 'PUT', activityPath(a), { ...setBody(), sequenceNumber: 500 });
    const stale = await mpa(a, 'PUT', activityPath(a), { ...setBody(), sequenceNumber: 500 });
    expect(stale.status).toBe(400);
    expect(stale.json).toMatchObject({
      errorCode: 'RequestValidationError',
      debugMessage: expect.stringContaining('not above the last one written'),
    });
    expect((await mpa(a, 'DELETE', activityPath(a), { sequenceNumber: 499 })).status).toBe(400);
    expect(running().mpa().staleWrites).toBe(2);
    expect((await mpa(a, 'PUT', activityPath(a), { ...setBody(), sequenceNumber: '501' })).status).toBe(204);
  });

  it('players set only their own activity; a token for another title is refused', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    const other = await mpa(b, 'PUT', activityPath(a), setBody());
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ errorCode: 'AuthorizationError' });
    const forTitle99 = await withToken(running(), a, { titleId: '99' });
    expect((await mpa(forTitle99, 'PUT', activityPath(a), setBody())).status).toBe(403);
    expect((await mpa(forTitle99, 'PUT', activityPath(a, '99'), setBody())).status).toBe(204);
  });
});

describe('who sees the connection string', () => {
  async function seenBy(viewer: LocalMpsdUser, owner: LocalMpsdUser) {
    const answer = await activitiesSeen(viewer, owner);
    return (answer.json as { userActivities: { activities: Record<string, unknown>[] }[] }).userActivities[0]?.activities[0];
  }

  it('InviteOnly hides it from everyone but the owner', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    await mpa(a, 'PUT', activityPath(a), setBody({ joinRestriction: 'InviteOnly' }));
    expect(await seenBy(b, a)).not.toHaveProperty('connectionString');
    expect(await seenBy(b, a)).toMatchObject({ joinRestriction: 'InviteOnly' });
    expect(await seenBy(a, a)).toHaveProperty('connectionString', 'lobby:9f2c');
  });

  it('Followed shows it only to people the owner follows (not to people who follow the owner)', async () => {
    await start();
    const [a, b, c] = [userAt(running(), 0), userAt(running(), 1), userAt(running(), 2)];
    await follow(running(), a, b);
    await follow(running(), c, a);
    await mpa(a, 'PUT', activityPath(a), setBody({ joinRestriction: 'Followed' }));
    expect(await seenBy(b, a)).toHaveProperty('connectionString');
    expect(await seenBy(c, a)).not.toHaveProperty('connectionString');
  });

  it('a full activity hides it; one seat free shows it', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    await mpa(a, 'PUT', activityPath(a), setBody({ maxPlayers: 4, currentPlayers: 4 }));
    expect(await seenBy(b, a)).not.toHaveProperty('connectionString');
    expect((await mpa(b, 'GET', activityPath(a))).json).not.toHaveProperty('connectionString');
    await mpa(a, 'PUT', activityPath(a), setBody({ maxPlayers: 4, currentPlayers: 3 }));
    expect(await seenBy(b, a)).toHaveProperty('connectionString');
  });
});

describe('lifetime', () => {
  it('an activity not written for 24 h is gone (clock moved through the control API); a write in time keeps it', async () => {
    await start();
    let [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    /** Tokens live 16 h on the emulator's clock: each step fetches fresh ones. */
    const advance = async (hours: number) => {
      await control(running(), 'POST', 'clock', { advanceMs: hours * 3600_000 });
      [a, b] = [await withToken(running(), a, {}), await withToken(running(), b, {})];
    };
    await mpa(a, 'PUT', activityPath(a), setBody());
    await advance(23);
    expect((await mpa(a, 'PUT', activityPath(a), setBody())).status).toBe(204);
    await advance(23);
    expect((await mpa(b, 'GET', activityPath(a))).status).toBe(200);
    await advance(1);
    expect((await mpa(b, 'GET', activityPath(a))).status).toBe(204);
    expect((await control(running(), 'GET', 'mpa')).json).toMatchObject({ activities: [] });
  });

  it('presence lost clears the activity', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    await mpa(a, 'PUT', activityPath(a), setBody());
    expect((await control(running(), 'POST', 'mpa/presence-lost', { xuid: a.xuid, titleId: TITLE })).json).toEqual({ cleared: true });
    expect((await mpa(b, 'GET', activityPath(a))).status).toBe(204);
  });
});

describe('wire format: every mistake is a 400 that says which and how', () => {
  it.each([
    ['an unknown field', { ...setBody(), extra: 1 }, 'Unknown field "extra"'],
    ['a sequenceNumber of 0', { ...setBody(), sequenceNumber: 0 }, 'above 0'],
    ['a missing connectionString', { sequenceNumber: 5_000_000, joinRestriction: 'Public' }, 'connectionString is required'],
    ['maxPlayers of 1', setBody({ maxPlayers: 1 }), 'maxPlayers must be from 2 to 100'],
    ['currentPlayers as a string', setBody({ currentPlayers: '3' }), 'currentPlayers must be a whole JSON number'],
    ['a 512-character connectionString', setBody({ connectionString: 'x'.repeat(512) }), 'at most 511'],
    ['a 128-character groupId', setBody({ groupId: 'g'.repeat(128) }), 'at most 127'],
    ['an unknown joinRestriction', setBody({ joinRestriction: 'Friends' }), 'joinRestriction must be one of Public, InviteOnly, Followed'],
    ['an unknown platform', setBody({ platform: 'Switch' }), 'platform must be one of'],
  ])('set activity with %s', async (_what, body, reason) => {
    await start();
    const a = userAt(running(), 0);
    const answer = await mpa(a, 'PUT', activityPath(a), body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorCode: 'RequestValidationError', debugMessage: expect.stringContaining(reason) });
  });

  it('enums are read ignoring case, as XSAPI reads them (iOS and IOS)', async () => {
    await start();
    const a = userAt(running(), 0);
    expect((await mpa(a, 'PUT', activityPath(a), setBody({ joinRestriction: 'public', platform: 'iOS' }))).status).toBe(204);
    expect(running().mpa().activities[0]).toMatchObject({ joinRestriction: 'Public', platform: 'IOS' });
  });

  it('a wrong or missing contract version, and a body not declared JSON, are refused', async () => {
    await start();
    const a = userAt(running(), 0);
    const mpsdVersion = await mpa(a, 'PUT', activityPath(a), setBody(), { 'x-xbl-contract-version': '107' });
    expect(mpsdVersion.status).toBe(400);
    expect(mpsdVersion.json).toMatchObject({ debugMessage: expect.stringContaining('send 1') });
    expect((await mpa(a, 'PUT', activityPath(a), setBody(), { 'x-xbl-contract-version': null })).status).toBe(400);
    const text = await mpa(a, 'PUT', activityPath(a), setBody(), { 'Content-Type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.json).toMatchObject({ errorCode: 'RequestValidationError', debugMessage: expect.stringContaining('Content-Type') });
  });

  it('invites: XUIDs must be strings, 1 to 16, users of the emulator, not the sender; connection string at most 255', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    const invite = (body: unknown) => mpa(a, 'POST', `/titles/${TITLE}/invites`, body);
    expect(((await invite({ invitedUsers: [Number(b.xuid)] })).json as { debugMessage: string }).debugMessage).toContain(
      'not a JSON number',
    );
    expect((await invite({ invitedUsers: [] })).status).toBe(400);
    expect(
      ((await invite({ invitedUsers: Array.from({ length: 17 }, (_, index) => String(index + 1)) })).json as { debugMessage: string })
        .debugMessage,
    ).toContain('at most 16');
    expect(((await invite({ invitedUsers: ['999'] })).json as { debugMessage: string }).debugMessage).toContain(
      'not a user of this emulator',
    );
    expect(((await invite({ invitedUsers: [a.xuid] })).json as { debugMessage: string }).debugMessage).toContain(
      'cannot invite themselves',
    );
    expect(
      ((await invite({ invitedUsers: [b.xuid], connectionString: 'x'.repeat(256) })).json as { debugMessage: string }).debugMessage,
    ).toContain('at most 255');
    expect(running().mpa().invites).toEqual([]);
  });

  it('query takes at most 30 users; recent players keep one entry per player', async () => {
    await start();
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    const thirtyOne = Array.from({ length: 31 }, (_, index) => String(index + 1));
    expect((await mpa(a, 'POST', `/titles/${TITLE}/activities/query`, { users: thirtyOne })).status).toBe(400);
    const entry = (encounterType: string) => ({ id: b.xuid, timestamp: '2026-01-01T00:00:00Z', encounterType });
    expect((await mpa(a, 'POST', `/titles/${TITLE}/recentplayers`, { recentPlayers: [entry('Teammate')] })).status).toBe(204);
    expect((await mpa(a, 'POST', `/titles/${TITLE}/recentplayers`, { recentPlayers: [entry('Opponent')] })).status).toBe(204);
    expect(running().mpa().recentPlayers).toEqual({ [`${a.xuid}/${TITLE}`]: [entry('Opponent')] });
    expect(
      (await mpa(a, 'POST', `/titles/${TITLE}/recentplayers`, { recentPlayers: [{ ...entry('Default'), timestamp: 'yesterday' }] })).status,
    ).toBe(400);
  });

  it('unknown MPA paths are 404, a wrong method 405, and no token 401', async () => {
    await start();
    const a = userAt(running(), 0);
    expect((await mpa(a, 'POST', `/titles/${TITLE}/nothing`, {})).status).toBe(404);
    expect((await mpa(a, 'GET', `/titles/${TITLE}/invites`)).status).toBe(405);
    expect((await callAs(running(), null, 'GET', activityPath(a), { headers: { 'x-xbl-contract-version': '1' } })).status).toBe(401);
  });
});

describe("rate buckets: MPA's own, per user and title", () => {
  it('the 8th invite call in 15 s is 429 with Retry-After and a ThrottledEntity; activity writes have their own bucket', async () => {
    await start(true);
    const [a, b] = [userAt(running(), 0), userAt(running(), 1)];
    for (let index = 0; index < 7; index += 1) {
      expect((await mpa(a, 'POST', `/titles/${TITLE}/invites`, { invitedUsers: [b.xuid] })).status).toBe(204);
    }
    const throttled = await mpa(a, 'POST', `/titles/${TITLE}/invites`, { invitedUsers: [b.xuid] });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.json).toMatchObject({
      version: 1,
      maxRequests: 7,
      periodInSeconds: 15,
      limitType: 'rate',
      debugMessage: expect.stringContaining('invites'),
    });
    // Another bucket and another title are untouched.
    expect((await mpa(a, 'PUT', activityPath(a), setBody())).status).toBe(204);
    // Ten writes fill the write bucket (one spent above).
    for (let index = 0; index < 9; index += 1) expect((await mpa(a, 'PUT', activityPath(a), setBody())).status).toBe(204);
    expect((await mpa(a, 'PUT', activityPath(a), setBody())).status).toBe(429);
    clock.advance(15_001);
    expect((await mpa(a, 'POST', `/titles/${TITLE}/invites`, { invitedUsers: [b.xuid] })).status).toBe(204);
  });
});
