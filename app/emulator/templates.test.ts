/**
 * Session templates (mpsd-sessions-and-invitees.md §2): loading and checking the JSON, the
 * constants a request may add but not change, capabilities, owners and what session bodies
 * may now carry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { OTHER_SCID, SCID, callAs, hostSession, inviteBody, joinBody, joinSession, sessionPath, userAt } from './test-calls.fixture.ts';
import { SERVICE_CONFIG_NOT_CONFIGURED } from './templates.ts';

const running: LocalMpsd[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const mpsd of running.splice(0)) await mpsd.stop();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function start(templates?: object): Promise<LocalMpsd> {
  const mpsd = await startLocalMpsd({ rateLimits: false, ...(templates === undefined ? {} : { templates }) });
  running.push(mpsd);
  return mpsd;
}

function templateFile(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'hs-templates-'));
  folders.push(folder);
  const path = join(folder, 'templates.json');
  writeFileSync(path, text);
  return path;
}

describe('the templates file', () => {
  it("ships defaults with GameSession for any SCID, and answers other templates 404 with MPSD's text (FAQ:72)", async () => {
    const mpsd = await start();
    const user = userAt(mpsd, 0);
    expect((await joinSession(mpsd, user, 'lobby')).status).toBe(201);
    const unknown = await callAs(mpsd, user, 'PUT', sessionPath('lobby', SCID, 'Deathmatch'), { body: joinBody(user) });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe(SERVICE_CONFIG_NOT_CONFIGURED);
  });

  it('without "*", a SCID it does not list is not configured (404 on sessions and queries alike)', async () => {
    const mpsd = await start({ serviceConfigs: { [SCID]: { GameSession: {} } } });
    const user = userAt(mpsd, 0);
    expect((await joinSession(mpsd, user, 'lobby')).status).toBe(201);
    const other = await callAs(mpsd, user, 'PUT', sessionPath('lobby', OTHER_SCID), { body: joinBody(user) });
    expect(other.status).toBe(404);
    expect(other.text).toBe(SERVICE_CONFIG_NOT_CONFIGURED);
    const query = await callAs(mpsd, user, 'POST', '/handles/query', {
      body: { type: 'activity', scid: OTHER_SCID, owners: { xuids: [user.xuid] } },
    });
    expect(query.status).toBe(404);
  });

  it.each([
    ['not JSON', '{ "serviceConfigs": ', 'is not valid JSON'],
    ['an unknown top-level field', '{ "templates": {} }', 'Unknown field "templates": remove it.'],
    ['a bad SCID key', '{ "serviceConfigs": { "not-a-scid": {} } }', 'each key of serviceConfigs must be a SCID GUID or "*"'],
    [
      'a bad visibility',
      `{ "serviceConfigs": { "*": { "T": { "constants": { "system": { "visibility": "secret" } } } } } }`,
      'serviceConfigs.*.T.constants.system.visibility: must be one of private, visible, open',
    ],
    [
      'an unknown capability',
      `{ "serviceConfigs": { "*": { "T": { "constants": { "system": { "capabilities": { "teleport": true } } } } } } }`,
      'capabilities: Unknown field "teleport": remove it.',
    ],
    [
      'a rule across fields',
      `{ "serviceConfigs": { "*": { "T": { "constants": { "system": { "maxMembersCount": 200 } } } } } }`,
      'serviceConfigs.*.T.constants.system: maxMembersCount 200 is over 100; that needs capabilities.large: true.',
    ],
    [
      'a bad contract version',
      `{ "serviceConfigs": { "*": { "T": { "contractVersion": 106 } } } }`,
      'contractVersion must be 104, 105 or 107',
    ],
  ])('refuses a file with %s, naming the file and the field', async (_case, text, message) => {
    const path = templateFile(text);
    const failure = await startLocalMpsd({ templates: path }).then(
      (mpsd) => {
        running.push(mpsd);
        return null;
      },
      (error: Error) => error,
    );
    expect(failure?.message).toContain(`The templates file ${path}`);
    expect(failure?.message).toContain(message);
  });

  it('says when the file cannot be read', async () => {
    await expect(startLocalMpsd({ templates: '/nonexistent/templates.json' })).rejects.toThrow(
      'The templates file /nonexistent/templates.json could not be read (ENOENT)',
    );
  });
});

describe('constants', () => {
  const strict = {
    serviceConfigs: {
      '*': { Fixed: { constants: { system: { maxMembersCount: 8, visibility: 'open', capabilities: {} }, custom: { mode: 'ffa' } } } },
    },
  };

  it('a creating PUT may re-send template constants and add unset ones, never change them (409, SC:37)', async () => {
    const mpsd = await start(strict);
    const host = userAt(mpsd, 0);
    const changed = await hostSession(mpsd, host, 'a', { template: 'Fixed', constants: { maxMembersCount: 4 } });
    expect(changed.status).toBe(409);
    expect(changed.text).toContain('constants.system.maxMembersCount is set by the session template Fixed to 8');
    const custom = await callAs(mpsd, host, 'PUT', sessionPath('b', SCID, 'Fixed'), {
      body: { ...joinBody(host), constants: { custom: { mode: 'duel' } } },
    });
    expect(custom.status).toBe(409);
    const same = await hostSession(mpsd, host, 'c', { template: 'Fixed', constants: { maxMembersCount: 8, inviteProtocol: 'game' } });
    expect(same.status).toBe(201);
    expect((same.json as { constants: { system: Record<string, unknown>; custom: Record<string, unknown> } }).constants).toMatchObject({
      system: { maxMembersCount: 8, inviteProtocol: 'game', visibility: 'open' },
      custom: { mode: 'ffa' },
    });
  });

  it('an empty capabilities {} in the template blocks creator-added capabilities (TC:47)', async () => {
    const mpsd = await start(strict);
    const added = await hostSession(mpsd, userAt(mpsd, 0), 'a', { template: 'Fixed', constants: { capabilities: { searchable: true } } });
    expect(added.status).toBe(409);
    expect(added.text).toContain('forbids adding capabilities');
  });

  it('a template with capabilities lets the creator add others, not change its own; after creation none change', async () => {
    const mpsd = await start({ serviceConfigs: { '*': { Some: { constants: { system: { capabilities: { gameplay: true } } } } } } });
    const host = userAt(mpsd, 0);
    const changed = await hostSession(mpsd, host, 'a', { template: 'Some', constants: { capabilities: { gameplay: false } } });
    expect(changed.status).toBe(409);
    const added = await hostSession(mpsd, host, 'a', { template: 'Some', constants: { capabilities: { crossPlay: true } } });
    expect(added.status).toBe(201);
    expect((added.json as { constants: { system: { capabilities: unknown } } }).constants.system.capabilities).toEqual({
      crossPlay: true,
      gameplay: true,
    });
    const later = await callAs(mpsd, host, 'PUT', sessionPath('a', SCID, 'Some'), {
      body: { constants: { system: { capabilities: { searchable: true } } } },
    });
    expect(later.status).toBe(409);
  });

  it("fills in MPSD's defaults for what neither sets (TC:25-31)", async () => {
    const mpsd = await start({ serviceConfigs: { '*': { Bare: {} } } });
    const created = await hostSession(mpsd, userAt(mpsd, 0), 'a', { template: 'Bare' });
    expect((created.json as { constants: { system: Record<string, unknown> } }).constants.system).toEqual({
      visibility: 'open',
      maxMembersCount: 100,
      reservedRemovalTimeout: 30000,
      inactiveRemovalTimeout: 0,
      readyRemovalTimeout: 180000,
      sessionEmptyTimeout: 0,
    });
  });

  it('userAuthorizationStyle defaults both restrictions to local (TC:58)', async () => {
    const mpsd = await start();
    const created = await hostSession(mpsd, userAt(mpsd, 0), 'pc', { template: 'PcGameSession' });
    expect((created.json as { properties: { system: Record<string, unknown> } }).properties.system).toMatchObject({
      joinRestriction: 'local',
      readRestriction: 'local',
    });
    const guest = userAt(mpsd, 1);
    const stranger = await callAs(mpsd, guest, 'PUT', sessionPath('pc', SCID, 'PcGameSession'), { body: joinBody(guest) });
    expect(stranger.status).toBe(403);
    expect(stranger.text).toContain('joinRestriction is local');
  });

  it('member initialization needs enough initialize:true members to start (FAQ:128-134)', async () => {
    const mpsd = await start({
      serviceConfigs: { '*': { Managed: { constants: { system: { memberInitialization: { membersNeededToStart: 2 } } } } } },
    });
    const alone = await hostSession(mpsd, userAt(mpsd, 0), 'a', { template: 'Managed' });
    expect(alone.status).toBe(400);
    expect(alone.text).toBe('This session is configured for managed initialization requiring at least 2 members to start.');
    const host = userAt(mpsd, 0);
    const withSeat = await callAs(mpsd, host, 'PUT', sessionPath('a', SCID, 'Managed'), {
      body: {
        members: { me: joinBody(host).members.me, reserve_1: { constants: { system: { xuid: userAt(mpsd, 1).xuid, initialize: true } } } },
      },
    });
    expect(withSeat.status).toBe(201);
  });
});

describe('owners', () => {
  it('with hasOwners, only an owner invites unless allowNonOwnerInviteHandles (TC:274)', async () => {
    const mpsd = await start();
    const [owner, member, friend] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    const owned = (name: string) => ({
      ...inviteBody(friend.xuid, name),
      sessionRef: { scid: SCID, templateName: name === 'owned' ? 'OwnedSession' : 'LobbySession', name },
    });
    await hostSession(mpsd, owner, 'owned', { template: 'OwnedSession' });
    await callAs(mpsd, member, 'PUT', sessionPath('owned', SCID, 'OwnedSession'), { body: joinBody(member) });
    const refused = await callAs(mpsd, member, 'POST', '/handles', { body: owned('owned') });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('allowNonOwnerInviteHandles');
    expect((await callAs(mpsd, owner, 'POST', '/handles', { body: owned('owned') })).status).toBe(201);
    await hostSession(mpsd, owner, 'lobby', { template: 'LobbySession' });
    await callAs(mpsd, member, 'PUT', sessionPath('lobby', SCID, 'LobbySession'), { body: joinBody(member) });
    expect((await callAs(mpsd, member, 'POST', '/handles', { body: owned('lobby') })).status).toBe(201);
  });

  it('endsession (the default migration) ends the session when its owner leaves', async () => {
    const mpsd = await start();
    const [owner, member] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, owner, 'owned', { template: 'OwnedSession' });
    await callAs(mpsd, member, 'PUT', sessionPath('owned', SCID, 'OwnedSession'), { body: joinBody(member) });
    await callAs(mpsd, owner, 'DELETE', `${sessionPath('owned', SCID, 'OwnedSession')}/members/me`);
    expect((await callAs(mpsd, member, 'GET', sessionPath('owned', SCID, 'OwnedSession'))).status).toBe(204);
  });
});

describe('what session bodies may carry', () => {
  it('accepts capabilities, reserve_N, connection and subscription and shows them back', async () => {
    const mpsd = await start({ serviceConfigs: { '*': { Open: {} } } });
    const [host, friend] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const answer = await callAs(mpsd, host, 'PUT', sessionPath('a', SCID, 'Open'), {
      body: {
        constants: { system: { capabilities: { gameplay: true, connectionRequiredForActiveMembers: true } } },
        members: {
          me: {
            constants: { system: { xuid: host.xuid, initialize: true } },
            properties: {
              system: {
                active: true,
                connection: 'c4d3e2f1-0000-4000-8000-000000000001',
                subscription: { id: 'a1b2', changeTypes: ['everything'] },
              },
            },
          },
          reserve_1: { constants: { system: { xuid: friend.xuid } } },
        },
      },
    });
    expect(answer.status).toBe(201);
    const session = answer.json as {
      constants: { system: { capabilities: unknown } };
      members: Record<string, Record<string, unknown>>;
      membersInfo: Record<string, number>;
    };
    expect(session.constants.system.capabilities).toEqual({ gameplay: true, connectionRequiredForActiveMembers: true });
    expect(session.members['0']?.properties).toMatchObject({
      system: {
        active: true,
        connection: 'c4d3e2f1-0000-4000-8000-000000000001',
        subscription: { id: 'a1b2', changeTypes: ['everything'] },
      },
    });
    expect(session.members['1']).toMatchObject({ reserved: true, constants: { system: { xuid: friend.xuid } } });
    expect(session.membersInfo).toMatchObject({ count: 2, accepted: 1, active: 1 });
  });

  it('refuses active and ready together (they exclude each other)', async () => {
    const mpsd = await start();
    const host = userAt(mpsd, 0);
    const answer = await callAs(mpsd, host, 'PUT', sessionPath('a'), {
      body: { members: { me: { constants: { system: { xuid: host.xuid } }, properties: { system: { active: true, ready: true } } } } },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('active and ready cannot both be true');
  });
});
