/**
 * Who may read and join a session, directly and through handles
 * (mpsd-sessions-and-invitees.md §1): each rule allowed and refused, over loopback HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { CLOSED_SESSION, LOCKED_SESSION, PRIVATE_SESSION, RESERVATION_NEEDED, VISIBLE_SESSION } from './session-access.ts';
import { MEMBER_REFERENCE_REFUSAL } from './session-bodies.ts';
import {
  callAs,
  follow,
  hostSession,
  inviteBody,
  joinBody,
  joinSession,
  locatedPath,
  SCID,
  sessionPath,
  TEMPLATE,
  userAt,
  withToken,
} from './test-calls.fixture.ts';

let mpsd: LocalMpsd;

beforeEach(async () => {
  mpsd = await startLocalMpsd({ rateLimits: false });
});

afterEach(async () => {
  await mpsd.stop();
});

const read = (index: number, name = 'lobby') => callAs(mpsd, userAt(mpsd, index), 'GET', sessionPath(name));
const join = (index: number, name = 'lobby') => joinSession(mpsd, userAt(mpsd, index), name);

async function invite(from: number, to: number, name = 'lobby'): Promise<string> {
  const answer = await callAs(mpsd, userAt(mpsd, from), 'POST', '/handles', { body: inviteBody(userAt(mpsd, to).xuid, name) });
  expect(answer.status).toBe(201);
  return (answer.json as { id: string }).id;
}

function joinThrough(index: number, handleId: string) {
  return callAs(mpsd, userAt(mpsd, index), 'PUT', `/handles/${handleId}/session`, { body: joinBody(userAt(mpsd, index)) });
}

describe('visibility', () => {
  it("private: only members and reserved users read or join; others get 403 with MPSD's text", async () => {
    expect(
      (await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { constants: { visibility: 'private' }, reserved: [userAt(mpsd, 1)] })).status,
    ).toBe(201);
    expect((await read(0)).status).toBe(200);
    expect((await read(1)).status).toBe(200);
    const stranger = await read(2);
    expect(stranger.status).toBe(403);
    expect(stranger.text).toBe(PRIVATE_SESSION);
    const strangerJoin = await join(2);
    expect(strangerJoin.status).toBe(403);
    expect(strangerJoin.text).toBe(PRIVATE_SESSION);
    const joined = await join(1);
    expect(joined.status).toBe(200);
    const seat = Object.values((joined.json as { members: Record<string, { reserved?: boolean; gamertag?: string }> }).members)[1];
    expect(seat).toMatchObject({ gamertag: userAt(mpsd, 1).gamertag });
    expect(seat?.reserved).toBeUndefined();
  });

  it('private: an invite does not replace a reservation (403, VJ:43-45)', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { constants: { visibility: 'private' } });
    const refused = await joinThrough(2, await invite(0, 2));
    expect(refused.status).toBe(403);
    expect(refused.text).toBe(RESERVATION_NEEDED);
  });

  it('visible: anyone reads; a direct join without a reservation is 400, through an invite 403, with a reservation 200', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { constants: { visibility: 'visible' }, reserved: [userAt(mpsd, 1)] });
    expect((await read(2)).status).toBe(200);
    const direct = await join(2);
    expect(direct.status).toBe(400);
    expect(direct.text).toBe(VISIBLE_SESSION);
    expect((await joinThrough(3, await invite(0, 3))).status).toBe(403);
    expect((await join(1)).status).toBe(200);
  });

  it('open: anyone reads and joins', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { constants: { visibility: 'open' } });
    expect((await read(1)).status).toBe(200);
    expect((await join(1)).status).toBe(200);
  });

  it('compares visibility and restrictions without case (XSAPI fixtures write Open/None) and stores them lower-case', async () => {
    const created = await hostSession(mpsd, userAt(mpsd, 0), 'lobby', {
      constants: { visibility: 'Open' },
      properties: { joinRestriction: 'Followed' },
    });
    expect(created.status).toBe(201);
    const session = created.json as { constants: { system: { visibility: string } }; properties: { system: { joinRestriction: string } } };
    expect(session.constants.system.visibility).toBe('open');
    expect(session.properties.system.joinRestriction).toBe('followed');
  });
});

describe('joinRestriction', () => {
  it('local: only a token from the device of an active member joins', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, host, 'lobby', { properties: { joinRestriction: 'local' } });
    const elsewhere = await join(1);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.text).toContain('joinRestriction is local');
    const onHostsConsole = await withToken(mpsd, guest, { deviceId: host.deviceId });
    expect((await joinSession(mpsd, onHostsConsole, 'lobby')).status).toBe(200);
  });

  it('local: the device of an inactive member does not count', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, host, 'lobby', { properties: { joinRestriction: 'local' } });
    await callAs(mpsd, host, 'PUT', sessionPath('lobby'), { body: { members: { me: { properties: { system: { active: false } } } } } });
    const onHostsConsole = await withToken(mpsd, guest, { deviceId: host.deviceId });
    expect((await joinSession(mpsd, onHostsConsole, 'lobby')).status).toBe(403);
  });

  it('followed: nobody follows anybody by default; a member following the joiner lets them in', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, host, 'lobby', { properties: { joinRestriction: 'followed' } });
    const stranger = await join(1);
    expect(stranger.status).toBe(403);
    expect(stranger.text).toContain('joinRestriction is followed');
    await follow(mpsd, guest, host);
    expect((await join(1)).status).toBe(403);
    await follow(mpsd, host, guest);
    expect((await join(1)).status).toBe(200);
  });

  it("followed: a reserved user's follows do not count, and an activity handle obeys the restriction (TS item 4)", async () => {
    const [host, reserved, guest] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    await hostSession(mpsd, host, 'lobby', { properties: { joinRestriction: 'followed' }, reserved: [reserved] });
    await follow(mpsd, reserved, guest);
    const activity = await callAs(mpsd, host, 'POST', '/handles', {
      body: { version: 1, type: 'activity', sessionRef: { scid: SCID, templateName: TEMPLATE, name: 'lobby' } },
    });
    const activityId = (activity.json as { id: string }).id;
    expect((await joinThrough(2, activityId)).status).toBe(403);
    await follow(mpsd, host, guest);
    expect((await joinThrough(2, activityId)).status).toBe(200);
  });

  it('an invite handle lets its invitee past joinRestriction, but nobody else', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { properties: { joinRestriction: 'local' } });
    const handle = await invite(0, 1);
    expect((await joinThrough(2, handle)).status).toBe(403);
    expect((await joinThrough(1, handle)).status).toBe(200);
  });
});

describe('readRestriction', () => {
  it('gates reads of an open session without an invite; the invitee reads through the handle', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, host, 'lobby', { properties: { joinRestriction: 'followed', readRestriction: 'followed' } });
    const refused = await read(1);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('readRestriction is followed');
    const handle = await invite(0, 1);
    const throughInvite = await callAs(mpsd, guest, 'GET', `/handles/${handle}/session`);
    expect(throughInvite.status).toBe(200);
    expect(throughInvite.headers.get('content-location')).toBe(locatedPath('lobby'));
    await follow(mpsd, host, guest);
    expect((await read(1)).status).toBe(200);
  });

  it('must be at least as open as joinRestriction (hdr:1779)', async () => {
    const answer = await hostSession(mpsd, userAt(mpsd, 0), 'lobby', {
      properties: { joinRestriction: 'followed', readRestriction: 'local' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('readRestriction (local) must be at least as open as joinRestriction (followed)');
    expect((await read(0)).status).toBe(204);
  });
});

describe('closed, locked and full', () => {
  it('closed: nobody new joins, directly or through an invite (read-only), unless they hold a reservation', async () => {
    const guest = userAt(mpsd, 2);
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { properties: { closed: true }, reserved: [userAt(mpsd, 1)] });
    const direct = await join(2);
    expect(direct.status).toBe(403);
    expect(direct.text).toBe(CLOSED_SESSION);
    const handle = await invite(0, 2);
    expect((await joinThrough(2, handle)).status).toBe(403);
    expect((await callAs(mpsd, guest, 'GET', `/handles/${handle}/session`)).status).toBe(200);
    expect((await join(1)).status).toBe(200);
  });

  it('locked: needs closed, lets members who left come back, and nobody else (reserved or not)', async () => {
    const [host, leaver, newcomer] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    await hostSession(mpsd, host, 'lobby');
    await join(1);
    const lockedOpen = await callAs(mpsd, host, 'PUT', sessionPath('lobby'), { body: { properties: { system: { locked: true } } } });
    expect(lockedOpen.status).toBe(400);
    expect(lockedOpen.text).toContain('locked needs properties.system.closed: true');
    await callAs(mpsd, leaver, 'DELETE', `${sessionPath('lobby')}/members/me`);
    const lock = await callAs(mpsd, host, 'PUT', sessionPath('lobby'), {
      body: {
        properties: { system: { closed: true, locked: true } },
        members: { reserve_1: { constants: { system: { xuid: newcomer.xuid } } } },
      },
    });
    expect(lock.status).toBe(200);
    const refused = await join(2);
    expect(refused.status).toBe(403);
    expect(refused.text).toBe(LOCKED_SESSION);
    expect((await join(1)).status).toBe(200);
  });

  it('full: a join is 400 (hdr:275), and queries report the visibility as full (MSD:364)', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { constants: { maxMembersCount: 2 } });
    expect((await join(1)).status).toBe(200);
    const full = await join(2);
    expect(full.status).toBe(400);
    expect(full.text).toBe('The session is full (maxMembersCount 2).');
    await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', {
      body: { version: 1, type: 'activity', sessionRef: { scid: SCID, templateName: TEMPLATE, name: 'lobby' } },
    });
    const found = await callAs(mpsd, userAt(mpsd, 1), 'POST', '/handles/query?include=relatedInfo', {
      body: { type: 'activity', scid: SCID, owners: { xuids: [userAt(mpsd, 0).xuid] } },
    });
    expect((found.json as { results: Array<{ relatedInfo: { visibility: string } }> }).results[0]?.relatedInfo.visibility).toBe('full');
  });

  it('reserved seats count toward the size: reserving past maxMembersCount is 400', async () => {
    const created = await hostSession(mpsd, userAt(mpsd, 0), 'lobby', {
      constants: { maxMembersCount: 2 },
      reserved: [userAt(mpsd, 1), userAt(mpsd, 2)],
    });
    expect(created.status).toBe(400);
  });
});

describe('writes by non-members and other members', () => {
  it('a readable session answers a non-member write with 403 and the session as JSON (SC:34)', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby');
    const answer = await callAs(mpsd, userAt(mpsd, 1), 'PUT', sessionPath('lobby'), { body: { properties: { custom: { hacked: true } } } });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect((answer.json as { membersInfo: { count: number } }).membersInfo.count).toBe(1);
  });

  it("a body naming another member by index is 403 with MPSD's text (FAQ:62-64)", async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby');
    const answer = await callAs(mpsd, userAt(mpsd, 0), 'PUT', sessionPath('lobby'), {
      body: { members: { '0': { properties: { system: { active: false } } } } },
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(MEMBER_REFERENCE_REFUSAL);
  });
});

describe('refusals that carry the session', () => {
  it('never show a private session to a non-member: a failed If-None-Match is the private refusal, not the session', async () => {
    await hostSession(mpsd, userAt(mpsd, 0), 'lobby', { constants: { visibility: 'private' } });
    const answer = await callAs(mpsd, userAt(mpsd, 1), 'PUT', sessionPath('lobby'), {
      body: joinBody(userAt(mpsd, 1)),
      headers: { 'If-None-Match': '*' },
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(PRIVATE_SESSION);
  });
});
