import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { INVITE_LIFETIME_MS } from './handles.ts';
import {
  activityBody,
  callAs,
  inviteBody,
  joinSession,
  locatedPath,
  manualClock,
  OTHER_SCID,
  SCID,
  sessionPath,
  TEMPLATE,
  userAt,
} from './test-calls.fixture.ts';

let mpsd: LocalMpsd;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  clock = manualClock();
  mpsd = await startLocalMpsd({ rateLimits: false, clock });
});

afterEach(async () => {
  await mpsd.stop();
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface HandleDocument {
  id: string;
  type: string;
  version: number;
  sessionRef: { scid: string; templateName: string; name: string };
  ownerXuid?: string;
  senderXuid?: string;
  invitedXuid?: string;
  inviteAttributes?: Record<string, string>;
  expiration?: string;
  createTime: string;
  relatedInfo?: Record<string, unknown>;
  customProperties?: Record<string, unknown>;
}

async function setActivity(userIndex: number, name: string, scid = SCID): Promise<HandleDocument> {
  const user = userAt(mpsd, userIndex);
  const answer = await callAs(mpsd, user, 'POST', '/handles', { body: activityBody(name, scid) });
  expect(answer.status).toBe(201);
  return answer.json as HandleDocument;
}

function query(userIndex: number, owners: unknown, include = '?include=relatedInfo') {
  return callAs(mpsd, userAt(mpsd, userIndex), 'POST', `/handles/query${include}`, { body: { type: 'activity', scid: SCID, owners } });
}

describe('activity handles', () => {
  it('needs the session to exist (404) and the caller to be an active member (409)', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const noSession = await callAs(mpsd, host, 'POST', '/handles', { body: activityBody('lobby') });
    expect(noSession.status).toBe(404);
    expect(noSession.text).toBe("The requested session wasn't found.");
    await joinSession(mpsd, host, 'lobby');
    const notMember = await callAs(mpsd, guest, 'POST', '/handles', { body: activityBody('lobby') });
    expect(notMember.status).toBe(409);
    expect(notMember.text).toContain('not an active member');
    await joinSession(mpsd, guest, 'lobby', false);
    const inactive = await callAs(mpsd, guest, 'POST', '/handles', { body: activityBody('lobby') });
    expect(inactive.status).toBe(409);
    expect(mpsd.stats().handlesCreated).toBe(0);
  });

  it('returns the handle document for an active member', async () => {
    await joinSession(mpsd, userAt(mpsd, 0), 'lobby');
    const handle = await setActivity(0, 'lobby');
    expect(handle).toMatchObject({
      type: 'activity',
      version: 1,
      ownerXuid: userAt(mpsd, 0).xuid,
      sessionRef: { scid: SCID, templateName: TEMPLATE, name: 'lobby' },
      createTime: new Date(clock.now()).toISOString(),
    });
    expect(handle.id).toMatch(GUID);
  });

  it("answers 201 as recorded MPSD traffic does: Location and Content-Location name the handle, no caching, the session's inviteProtocol", async () => {
    const host = userAt(mpsd, 0);
    await joinSession(mpsd, host, 'lobby');
    const answer = await callAs(mpsd, host, 'POST', '/handles', { body: activityBody('lobby') });
    const handle = answer.json as HandleDocument & { inviteProtocol?: string };
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`/handles/${handle.id}`);
    expect(answer.headers.get('content-location')).toBe(`/handles/${handle.id}`);
    expect(answer.headers.get('cache-control')).toBe('no-cache, no-store');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(handle.inviteProtocol).toBe('game');
  });

  it('keeps one activity per user per SCID: a new one replaces the old, another SCID is separate', async () => {
    const user = userAt(mpsd, 0);
    await joinSession(mpsd, user, 'lobby');
    await joinSession(mpsd, user, 'arena');
    const first = await setActivity(0, 'lobby');
    const second = await setActivity(0, 'arena');
    expect((await callAs(mpsd, user, 'GET', `/handles/${first.id}`)).status).toBe(404);
    expect((await callAs(mpsd, user, 'GET', `/handles/${second.id}`)).status).toBe(200);
    await callAs(mpsd, user, 'PUT', sessionPath('elsewhere', OTHER_SCID), {
      body: { members: { me: { constants: { system: { xuid: user.xuid } }, properties: { system: { active: true } } } } },
    });
    const otherScid = await setActivity(0, 'elsewhere', OTHER_SCID);
    const found = (await query(0, { xuids: [user.xuid] })).json as { results: HandleDocument[] };
    expect(found.results.map((result) => result.id)).toEqual([second.id]);
    expect((await callAs(mpsd, user, 'GET', `/handles/${otherScid.id}`)).status).toBe(200);
  });

  it('disappears when its owner leaves the session or goes inactive', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await joinSession(mpsd, host, 'lobby');
    await joinSession(mpsd, guest, 'lobby');
    const hostActivity = await setActivity(0, 'lobby');
    const guestActivity = await setActivity(1, 'lobby');
    await callAs(mpsd, host, 'DELETE', `${sessionPath('lobby')}/members/me`);
    expect((await callAs(mpsd, guest, 'GET', `/handles/${hostActivity.id}`)).status).toBe(404);
    await callAs(mpsd, guest, 'PUT', sessionPath('lobby'), { body: { members: { me: { properties: { system: { active: false } } } } } });
    expect((await callAs(mpsd, guest, 'GET', `/handles/${guestActivity.id}`)).status).toBe(404);
  });

  it('never creates a session: an activity without sessionRef.name is refused like one for a missing session (404)', async () => {
    const user = userAt(mpsd, 0);
    const answer = await callAs(mpsd, user, 'POST', '/handles', {
      body: { version: 1, type: 'activity', sessionRef: { scid: SCID, templateName: TEMPLATE } },
    });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain("The requested session wasn't found. A handle never creates a session");
    expect(mpsd.stats().handlesCreated).toBe(0);
  });

  it('is deleted by its owner only (403 for others), then answers 404', async () => {
    const [owner, other] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await joinSession(mpsd, owner, 'lobby');
    const handle = await setActivity(0, 'lobby');
    const refused = await callAs(mpsd, other, 'DELETE', `/handles/${handle.id}`);
    expect(refused.status).toBe(403);
    expect((await callAs(mpsd, owner, 'DELETE', `/handles/${handle.id}`)).status).toBe(204);
    expect((await callAs(mpsd, owner, 'DELETE', `/handles/${handle.id}`)).status).toBe(404);
    expect((await query(0, { xuids: [owner.xuid] })).json).toEqual({ results: [] });
  });
});

describe('invite handles', () => {
  it('answers 201 with the invite document: sender from the token, invitee, attributes, expiration', async () => {
    const [sender, invitee] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const body = inviteBody(invitee.xuid);
    body.inviteAttributes = { titleId: '1234', context: 'squad=7', contextString: '///join' } as typeof body.inviteAttributes;
    const answer = await callAs(mpsd, sender, 'POST', '/handles', { body });
    expect(answer.status).toBe(201);
    const handle = answer.json as HandleDocument;
    expect(handle).toMatchObject({
      type: 'invite',
      version: 1,
      senderXuid: sender.xuid,
      invitedXuid: invitee.xuid,
      sessionRef: body.sessionRef,
      inviteAttributes: { titleId: '1234', context: 'squad=7', contextString: '///join' },
      expiration: new Date(clock.now() + INVITE_LIFETIME_MS).toISOString(),
    });
    expect(handle.id).toMatch(GUID);
    expect(mpsd.invites()).toEqual([
      {
        id: handle.id,
        senderXuid: sender.xuid,
        invitedXuid: invitee.xuid,
        sessionRef: body.sessionRef,
        inviteAttributes: handle.inviteAttributes,
        createdAt: new Date(clock.now()).toISOString(),
      },
    ]);
    expect(mpsd.stats()).toMatchObject({ handlesCreated: 1, invitesCreated: 1 });
  });

  it('may point at a session that does not exist, whose session call then answers 204', async () => {
    const answer = await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', { body: inviteBody(userAt(mpsd, 1).xuid, 'not-yet') });
    const handle = answer.json as HandleDocument;
    expect((await callAs(mpsd, userAt(mpsd, 1), 'GET', `/handles/${handle.id}/session`)).status).toBe(204);
  });

  it('lets the invitee join through the handle and read the session with Content-Location', async () => {
    const [host, invitee] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await joinSession(mpsd, host, 'lobby');
    const handle = (await callAs(mpsd, host, 'POST', '/handles', { body: inviteBody(invitee.xuid) })).json as HandleDocument;
    const joined = await callAs(mpsd, invitee, 'PUT', `/handles/${handle.id}/session`, {
      body: {
        members: { me: { constants: { system: { xuid: invitee.xuid, initialize: true } }, properties: { system: { active: true } } } },
      },
    });
    expect(joined.status).toBe(200);
    expect(joined.headers.get('content-location')).toBe(locatedPath('lobby'));
    expect((joined.json as { membersInfo: { count: number } }).membersInfo.count).toBe(2);
  });

  it('expires after its lifetime, stays in the invite log, and can be deleted by the invitee', async () => {
    const [sender, invitee] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const kept = (await callAs(mpsd, sender, 'POST', '/handles', { body: inviteBody(invitee.xuid) })).json as HandleDocument;
    const declined = (await callAs(mpsd, sender, 'POST', '/handles', { body: inviteBody(invitee.xuid) })).json as HandleDocument;
    expect((await callAs(mpsd, userAt(mpsd, 2), 'DELETE', `/handles/${declined.id}`)).status).toBe(403);
    expect((await callAs(mpsd, invitee, 'DELETE', `/handles/${declined.id}`)).status).toBe(204);
    expect((await callAs(mpsd, invitee, 'GET', `/handles/${kept.id}`)).status).toBe(200);
    clock.advance(INVITE_LIFETIME_MS);
    expect((await callAs(mpsd, invitee, 'GET', `/handles/${kept.id}`)).status).toBe(404);
    expect(mpsd.invites().map((invite) => invite.id)).toEqual([kept.id, declined.id]);
  });
});

describe('POST /handles/query', () => {
  it('refuses xuids and people together, and other malformed queries, with a 400 naming the field', async () => {
    const both = await query(0, { xuids: [userAt(mpsd, 1).xuid], people: { moniker: 'people', monikerXuid: userAt(mpsd, 0).xuid } });
    expect(both.status).toBe(400);
    expect(both.text).toBe('owners must hold either xuids or people, not both.');
    expect((await query(0, { xuids: [] })).text).toContain('owners.xuids must be a non-empty array');
    expect((await query(0, { xuids: [123] })).text).toContain('owners.xuids[0] must be a decimal string');
    expect((await query(0, { people: { moniker: 'enemies', monikerXuid: '1' } })).text).toContain(
      'owners.people.moniker must be one of people, favorites, friends',
    );
    expect((await query(0, {})).text).toBe('owners must hold xuids or people.');
    expect((await query(0, { xuids: ['1'] }, '?include=everything')).text).toContain('include=everything is not supported');
    const wrongType = await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles/query', {
      body: { type: 'invite', scid: SCID, owners: { xuids: ['1'] } },
    });
    expect(wrongType.text).toBe('type must be "activity" or "search": only those handles can be queried.');
  });

  it('adds relatedInfo and customProperties only when included', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await callAs(mpsd, host, 'PUT', sessionPath('lobby'), {
      body: {
        constants: { system: { visibility: 'visible', maxMembersCount: 6 } },
        properties: { system: { joinRestriction: 'followed' }, custom: { map: 'dust' } },
        // A visible session lets in only members and reserved users (VJ:39): the host reserves the guest's seat.
        members: {
          me: { constants: { system: { xuid: host.xuid } }, properties: { system: { active: true } } },
          reserve_1: { constants: { system: { xuid: guest.xuid } } },
        },
      },
    });
    expect((await joinSession(mpsd, guest, 'lobby')).status).toBe(200);
    await setActivity(0, 'lobby');
    const plain = ((await query(1, { xuids: [host.xuid] }, '')).json as { results: HandleDocument[] }).results;
    expect(plain[0]?.relatedInfo).toBeUndefined();
    expect(plain[0]?.customProperties).toBeUndefined();
    const full = ((await query(1, { xuids: [host.xuid] }, '?include=relatedInfo,customProperties')).json as { results: HandleDocument[] })
      .results;
    expect(full[0]?.relatedInfo).toEqual({
      visibility: 'visible',
      joinRestriction: 'followed',
      closed: false,
      maxMembersCount: 6,
      membersCount: 2,
    });
    expect(full[0]?.customProperties).toEqual({ map: 'dust' });
  });

  it("finds the activities of the moniker's people and favorites in the follow graph, nobody else", async () => {
    for (const index of [0, 1, 2, 3]) await joinSession(mpsd, userAt(mpsd, index), 'lobby');
    for (const index of [0, 1, 2, 3]) await setActivity(index, 'lobby');
    const [me, friend, star] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    const ownersFor = async (moniker: string) =>
      ((await query(0, { people: { moniker, monikerXuid: me.xuid } })).json as { results: HandleDocument[] }).results.map(
        (result) => result.ownerXuid,
      );
    expect(await ownersFor('people')).toEqual([]);
    const set = await fetch(`${mpsd.url}/_emulator/follows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ [me.xuid]: { follows: [friend.xuid, star.xuid], favorites: [star.xuid] } }),
    });
    expect(set.status).toBe(200);
    expect(await ownersFor('people')).toEqual([friend.xuid, star.xuid]);
    expect(await ownersFor('friends')).toEqual([friend.xuid, star.xuid]);
    expect(await ownersFor('favorites')).toEqual([star.xuid]);
  });
});

describe('the 100-result cap', () => {
  it('returns at most 100 activities however many owners match', async () => {
    const crowd = await startLocalMpsd({ users: 105, rateLimits: false });
    try {
      // A session holds at most 100 members, so everyone plays in their own room.
      for (const [index, user] of crowd.users.entries()) {
        await joinSession(crowd, user, `room-${index}`);
        expect((await callAs(crowd, user, 'POST', '/handles', { body: activityBody(`room-${index}`) })).status).toBe(201);
      }
      const answer = await callAs(crowd, userAt(crowd, 0), 'POST', '/handles/query', {
        body: { type: 'activity', scid: SCID, owners: { xuids: crowd.users.map((user) => user.xuid) } },
      });
      expect(answer.status).toBe(200);
      expect((answer.json as { results: unknown[] }).results).toHaveLength(100);
    } finally {
      await crowd.stop();
    }
  });
});
