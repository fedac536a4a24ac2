import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { callAs, inviteBody, joinBody, joinSession, locatedPath, OTHER_SCID, SCID, sessionPath, userAt } from './test-calls.fixture.ts';

let mpsd: LocalMpsd;

beforeEach(async () => {
  mpsd = await startLocalMpsd({ rateLimits: false });
});

afterEach(async () => {
  await mpsd.stop();
});

interface SessionDocument {
  constants: { system: { visibility: string; maxMembersCount: number }; custom: Record<string, unknown> };
  properties: { system: { joinRestriction: string; closed: boolean }; custom: Record<string, unknown> };
  members: Record<string, { constants: { system: { xuid: string } }; properties: { system: { active: boolean } }; gamertag: string }>;
  membersInfo: { count: number; active: number };
}

describe('create, join, read and leave', () => {
  it('creates with 201 and an ETag, joins a second user with 200, and lists both members', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const created = await joinSession(mpsd, host, 'lobby');
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toMatch(/^".+"$/);
    const joined = await joinSession(mpsd, guest, 'lobby');
    expect(joined.status).toBe(200);
    expect(joined.headers.get('etag')).not.toBe(created.headers.get('etag'));
    const read = await callAs(mpsd, host, 'GET', sessionPath('lobby'));
    expect(read.status).toBe(200);
    const session = read.json as SessionDocument;
    expect(Object.values(session.members).map((member) => [member.constants.system.xuid, member.gamertag])).toEqual([
      [host.xuid, host.gamertag],
      [guest.xuid, guest.gamertag],
    ]);
    expect(session.membersInfo).toMatchObject({ count: 2, active: 2 });
    expect(read.headers.get('etag')).toBe(joined.headers.get('etag'));
  });

  it("takes the session path's fixed words in the lowercase form MPSD answers with, as XSAPI sends both", async () => {
    const user = userAt(mpsd, 0);
    await joinSession(mpsd, user, 'lobby');
    const lowercase = locatedPath('lobby');
    const read = await callAs(mpsd, user, 'GET', lowercase);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toMatch(/^".+"$/);
    expect((await callAs(mpsd, user, 'DELETE', `${lowercase}/Members/Me`)).status).toBe(204);
    // A different word is still not a session path.
    expect((await callAs(mpsd, user, 'GET', sessionPath('lobby').replace('/sessionTemplates/', '/templates/'))).status).toBe(404);
  });

  it('answers 204 for a session that does not exist, and for a write that leaves nobody in it', async () => {
    const user = userAt(mpsd, 0);
    expect((await callAs(mpsd, user, 'GET', sessionPath('nobody-here'))).status).toBe(204);
    const empty = await callAs(mpsd, user, 'PUT', sessionPath('nobody-here'), { body: { properties: { custom: { map: 'dust' } } } });
    expect(empty.status).toBe(204);
    expect((await callAs(mpsd, user, 'GET', sessionPath('nobody-here'))).status).toBe(204);
  });

  it("takes '.' in session and template names as MPSD does, but not a bare '.' or '..' segment", async () => {
    const user = userAt(mpsd, 0);
    expect((await joinSession(mpsd, user, 'season.2')).status).toBe(201);
    expect((await callAs(mpsd, user, 'GET', sessionPath('season.2'))).status).toBe(200);
    // A URL cannot carry '..' as a segment (fetch resolves it away), but a body can.
    const dots = await callAs(mpsd, user, 'POST', '/handles', {
      body: { ...inviteBody(userAt(mpsd, 1).xuid), sessionRef: { scid: SCID, templateName: 'GameSession', name: '..' } },
    });
    expect(dots.status).toBe(400);
    expect(dots.text).toContain("sessionRef.name must be 1 to 99 letters, digits, '.', '-' or '_' (not just '.' or '..')");
  });

  it('removes the session when its last member leaves, by DELETE members/me or members.me null', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await joinSession(mpsd, host, 'lobby');
    await joinSession(mpsd, guest, 'lobby');
    const left = await callAs(mpsd, host, 'DELETE', `${sessionPath('lobby')}/members/me`);
    expect(left.status).toBe(204);
    const remaining = (await callAs(mpsd, guest, 'GET', sessionPath('lobby'))).json as SessionDocument;
    expect(Object.values(remaining.members).map((member) => member.constants.system.xuid)).toEqual([guest.xuid]);
    const lastOut = await callAs(mpsd, guest, 'PUT', sessionPath('lobby'), { body: { members: { me: null } } });
    expect(lastOut.status).toBe(204);
    expect((await callAs(mpsd, guest, 'GET', sessionPath('lobby'))).status).toBe(204);
  });

  it('keeps session constants from creation and merges properties, null deleting a custom key', async () => {
    const user = userAt(mpsd, 0);
    await callAs(mpsd, user, 'PUT', sessionPath('lobby'), {
      body: {
        ...joinBody(user),
        constants: { system: { visibility: 'private', maxMembersCount: 8 } },
        properties: { custom: { map: 'dust', mode: 'ffa' } },
      },
    });
    const updated = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), {
      body: { properties: { system: { joinRestriction: 'followed', closed: true }, custom: { mode: null, round: 2 } } },
    });
    expect(updated.status).toBe(200);
    const session = updated.json as SessionDocument;
    expect(session.constants.system).toMatchObject({ visibility: 'private', maxMembersCount: 8 });
    expect(session.properties.system).toEqual({ joinRestriction: 'followed', readRestriction: 'none', closed: true, locked: false });
    expect(session.properties.custom).toEqual({ map: 'dust', round: 2 });
  });
});

describe('write conditions (412)', () => {
  it('If-None-Match: * creates only', async () => {
    const user = userAt(mpsd, 0);
    const first = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), { body: joinBody(user), headers: { 'If-None-Match': '*' } });
    expect(first.status).toBe(201);
    const second = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), { body: joinBody(user), headers: { 'If-None-Match': '*' } });
    expect(second.status).toBe(412);
    // S:43: a failed condition answers with the current session and its ETag.
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect((second.json as SessionDocument).membersInfo.count).toBe(1);
  });

  it('If-Match: * updates only an existing session', async () => {
    const user = userAt(mpsd, 0);
    const missing = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), { body: joinBody(user), headers: { 'If-Match': '*' } });
    expect(missing.status).toBe(412);
    expect(missing.text).toContain("The session doesn't exist");
    expect((await callAs(mpsd, user, 'GET', sessionPath('lobby'))).status).toBe(204);
    await joinSession(mpsd, user, 'lobby');
    const present = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), {
      body: { properties: { custom: { a: 1 } } },
      headers: { 'If-Match': '*' },
    });
    expect(present.status).toBe(200);
  });

  it('If-Match: <etag> succeeds with the current ETag and fails with a stale one, leaving no trace', async () => {
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const created = await joinSession(mpsd, host, 'lobby');
    const stale = created.headers.get('etag') as string;
    const current = await callAs(mpsd, host, 'PUT', sessionPath('lobby'), {
      body: { properties: { custom: { round: 1 } } },
      headers: { 'If-Match': stale },
    });
    expect(current.status).toBe(200);
    const refused = await callAs(mpsd, guest, 'PUT', sessionPath('lobby'), { body: joinBody(guest), headers: { 'If-Match': stale } });
    expect(refused.status).toBe(412);
    expect(refused.headers.get('etag')).toBe(current.headers.get('etag'));
    expect((refused.json as SessionDocument).properties.custom).toEqual({ round: 1 });
    const read = (await callAs(mpsd, host, 'GET', sessionPath('lobby'))).json as SessionDocument;
    expect(Object.keys(read.members)).toHaveLength(1);
  });

  it('refuses both condition headers at once and If-None-Match other than *', async () => {
    const user = userAt(mpsd, 0);
    const both = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), {
      body: joinBody(user),
      headers: { 'If-Match': '*', 'If-None-Match': '*' },
    });
    expect(both.status).toBe(400);
    expect(both.text).toBe('Send If-Match or If-None-Match, not both.');
    const etag = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), { body: joinBody(user), headers: { 'If-None-Match': '"abc"' } });
    expect(etag.status).toBe(400);
  });
});

describe('conflicts and refusals', () => {
  it('answers 409 when constants change after creation, and 400 when the session is full (hdr:275)', async () => {
    const [host, guest, third] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    await callAs(mpsd, host, 'PUT', sessionPath('duel'), { body: { ...joinBody(host), constants: { system: { maxMembersCount: 2 } } } });
    const resent = await callAs(mpsd, host, 'PUT', sessionPath('duel'), { body: { constants: { system: { maxMembersCount: 2 } } } });
    expect(resent.status).toBe(200);
    const changed = await callAs(mpsd, host, 'PUT', sessionPath('duel'), { body: { constants: { system: { maxMembersCount: 4 } } } });
    expect(changed.status).toBe(409);
    expect(changed.text).toContain('constants.system.maxMembersCount is set by this session (constants never change after creation) to 2');
    expect((await joinSession(mpsd, guest, 'duel')).status).toBe(200);
    const full = await joinSession(mpsd, third, 'duel');
    expect(full.status).toBe(400);
    expect(full.text).toBe('The session is full (maxMembersCount 2).');
  });

  it("refuses 'me' carrying someone else's XUID (403) and a join without the XUID (400)", async () => {
    const [user, other] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const impostor = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), { body: joinBody(other) });
    expect(impostor.status).toBe(403);
    const noXuid = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), {
      body: { members: { me: { properties: { system: { active: true } } } } },
    });
    expect(noXuid.status).toBe(400);
    expect(noXuid.text).toContain('members.me.constants.system.xuid is required when joining');
  });

  it('lets only members change a session (403)', async () => {
    const [host, outsider] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await joinSession(mpsd, host, 'lobby');
    const answer = await callAs(mpsd, outsider, 'PUT', sessionPath('lobby'), { body: { properties: { custom: { hacked: true } } } });
    expect(answer.status).toBe(403);
  });

  it.each([
    [{ members: { reserve_1: {} } }, 'members.reserve_1.constants.system.xuid is required'],
    [{ members: { host: {} } }, 'members.host is not a member MPSD accepts here'],
    [{ servers: {} }, 'servers is not a field MPSD accepts here'],
    [{ members: { me: { constants: { system: { xuid: 5 } } } } }, 'members.me.constants.system.xuid must be a decimal string'],
    [{ members: { me: { properties: { system: { active: 'yes' } } } } }, 'members.me.properties.system.active must be true or false'],
    [{ constants: { system: { visibility: 'secret' } } }, 'constants.system.visibility: must be one of private, visible, open'],
    [{ constants: { system: { maxMembersCount: 101 } } }, 'maxMembersCount 101 is over 100; that needs capabilities.large: true.'],
    [{ constants: { system: { maxMembersCount: 1001 } } }, 'constants.system.maxMembersCount: must be at most 1000'],
    [{ properties: { system: { joinRestriction: 'friends' } } }, 'properties.system.joinRestriction must be one of none, local, followed'],
    [{ properties: { custom: 'map=dust' } }, 'properties.custom must be a JSON object'],
  ])('refuses the body %o with a 400 naming the field', async (body, reason) => {
    const answer = await callAs(mpsd, userAt(mpsd, 0), 'PUT', sessionPath('lobby'), { body });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(reason);
  });

  it('speaks contracts 104, 105 and 107, nothing else', async () => {
    const user = userAt(mpsd, 0);
    const answer = await callAs(mpsd, user, 'PUT', sessionPath('lobby'), {
      body: joinBody(user),
      headers: { 'x-xbl-contract-version': '106' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('x-xbl-contract-version "106" is not supported for this call; send one of 104, 105, 107.');
  });
});

describe('allowedScids and allowedTemplates', () => {
  it('answers 403 for other SCIDs and 404 for other templates, on sessions and handles alike', async () => {
    const strict = await startLocalMpsd({ rateLimits: false, allowedScids: [SCID.toUpperCase()], allowedTemplates: ['gamesession'] });
    try {
      const user = userAt(strict, 0);
      const otherScid = await callAs(strict, user, 'PUT', sessionPath('lobby', OTHER_SCID), { body: joinBody(user) });
      expect(otherScid.status).toBe(403);
      expect(otherScid.text).toBe('The requested service config cannot be accessed.');
      const otherTemplate = await callAs(strict, user, 'GET', sessionPath('lobby', SCID, 'Deathmatch'));
      expect(otherTemplate.status).toBe(404);
      expect(otherTemplate.text).toBe('The requested service config is either invalid or not configured for sessions.');
      const invite = await callAs(strict, user, 'POST', '/handles', {
        body: {
          version: 1,
          type: 'invite',
          sessionRef: { scid: OTHER_SCID, templateName: 'GameSession', name: 'x' },
          invitedXuid: '5',
          inviteAttributes: { titleId: '1' },
        },
      });
      expect(invite.status).toBe(403);
      expect((await joinSession(strict, user, 'lobby')).status).toBe(201);
    } finally {
      await strict.stop();
    }
  });
});
