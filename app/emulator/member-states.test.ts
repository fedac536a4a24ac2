/**
 * Member states and timers (mpsd-sessions-and-invitees.md §3), the presence check, and the
 * contract versions (§7), with the emulator's clock moved through the control API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMpsd, LocalMpsdOptions } from './index.ts';
import { startLocalMpsd } from './index.ts';
import {
  SCID,
  TEMPLATE,
  activityBody,
  callAs,
  control,
  hostSession,
  joinBody,
  manualClock,
  sessionPath,
  userAt,
  withToken,
} from './test-calls.fixture.ts';

const running: LocalMpsd[] = [];

afterEach(async () => {
  for (const mpsd of running.splice(0)) await mpsd.stop();
});

const TIMED = {
  serviceConfigs: {
    '*': {
      Timed: {
        constants: {
          system: { reservedRemovalTimeout: 1000, readyRemovalTimeout: 2000, inactiveRemovalTimeout: 3000, sessionEmptyTimeout: 4000 },
        },
      },
      Forever: { constants: { system: { inactiveRemovalTimeout: null, sessionEmptyTimeout: null } } },
      Suppressed: { constants: { system: { inactiveRemovalTimeout: null, capabilities: { suppressPresenceActivityCheck: true } } } },
      [TEMPLATE]: { constants: { system: { inactiveRemovalTimeout: null } } },
    },
  },
};

async function start(options: LocalMpsdOptions = {}): Promise<LocalMpsd> {
  // A clock that moves only when the control API says so, so a timer runs out exactly where a test puts it.
  const mpsd = await startLocalMpsd({ rateLimits: false, templates: TIMED, clock: manualClock(), ...options });
  running.push(mpsd);
  return mpsd;
}

async function advance(mpsd: LocalMpsd, ms: number): Promise<void> {
  const answer = await control(mpsd, 'POST', 'clock', { advanceMs: ms });
  expect(answer.status).toBe(200);
}

type Member = { constants: { system: { xuid: string } }; reserved?: boolean; properties?: { system: { active: boolean; ready: boolean } } };

async function membersOf(mpsd: LocalMpsd, name: string, template = 'Timed'): Promise<Member[] | null> {
  const answer = await callAs(mpsd, userAt(mpsd, 0), 'GET', sessionPath(name, SCID, template));
  if (answer.status === 204) return null;
  return Object.values((answer.json as { members: Record<string, Member> }).members);
}

function state(member: Member | undefined): string {
  if (member === undefined) return 'gone';
  if (member.reserved === true) return 'reserved';
  return member.properties?.system.active ? 'active' : member.properties?.system.ready ? 'ready' : 'inactive';
}

describe('member timers, applied on the next read', () => {
  it('removes a reservation after reservedRemovalTimeout', async () => {
    const mpsd = await start();
    await hostSession(mpsd, userAt(mpsd, 0), 'a', { template: 'Timed', reserved: [userAt(mpsd, 1)] });
    await advance(mpsd, 999);
    expect((await membersOf(mpsd, 'a'))?.map(state)).toEqual(['active', 'reserved']);
    await advance(mpsd, 1);
    expect((await membersOf(mpsd, 'a'))?.map(state)).toEqual(['active']);
  });

  it('turns ready into inactive after readyRemovalTimeout, then removes it after inactiveRemovalTimeout, one step per update', async () => {
    const mpsd = await start();
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, host, 'a', { template: 'Timed' });
    await callAs(mpsd, guest, 'PUT', sessionPath('a', SCID, 'Timed'), {
      body: { members: { me: { constants: { system: { xuid: guest.xuid } }, properties: { system: { ready: true } } } } },
    });
    expect((await membersOf(mpsd, 'a'))?.map(state)).toEqual(['active', 'ready']);
    await advance(mpsd, 10_000);
    expect((await membersOf(mpsd, 'a'))?.map(state)).toEqual(['active', 'inactive']);
    await advance(mpsd, 2999);
    expect((await membersOf(mpsd, 'a'))?.map(state)).toEqual(['active', 'inactive']);
    await advance(mpsd, 1);
    expect((await membersOf(mpsd, 'a'))?.map(state)).toEqual(['active']);
  });

  it('keeps an empty session for sessionEmptyTimeout, and a null timeout keeps members for ever', async () => {
    const mpsd = await start();
    const host = userAt(mpsd, 0);
    await hostSession(mpsd, host, 'a', { template: 'Timed' });
    const left = await callAs(mpsd, host, 'PUT', sessionPath('a', SCID, 'Timed'), { body: { members: { me: null } } });
    expect(left.status).toBe(204);
    expect(await membersOf(mpsd, 'a')).toEqual([]);
    await advance(mpsd, 4000);
    expect(await membersOf(mpsd, 'a')).toBeNull();
    await callAs(mpsd, host, 'PUT', sessionPath('b', SCID, 'Forever'), { body: joinBody(host, false) });
    // Ten hours: long past any timer, short of the test users' 16-hour tokens.
    await advance(mpsd, 10 * 60 * 60 * 1000);
    expect((await membersOf(mpsd, 'b', 'Forever'))?.map(state)).toEqual(['inactive']);
  });

  it('the control clock only moves forward, by at most a day', async () => {
    const mpsd = await start();
    expect((await control(mpsd, 'POST', 'clock', { advanceMs: -1 })).status).toBe(400);
    expect((await control(mpsd, 'POST', 'clock', { advanceMs: 86_400_001 })).text).toContain(
      'advanceMs must be a whole number of milliseconds from 0 to 86400000',
    );
  });
});

describe('the presence check (--presence-check)', () => {
  it('demotes an active member who is not playing, and their activity goes; one who plays stays', async () => {
    const mpsd = await start({ presenceCheck: true });
    const [host, player] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const titled = await withToken(mpsd, player, { titleId: '1234' });
    await hostSession(mpsd, host, 'lobby');
    expect((await membersOf(mpsd, 'lobby', TEMPLATE))?.map(state)).toEqual(['inactive']);
    // A tool's token names no title: only presence can say its user plays something.
    await control(mpsd, 'POST', 'presence', { xuid: host.xuid, titleId: '1234' });
    await callAs(mpsd, host, 'PUT', sessionPath('lobby'), { body: joinBody(host) });
    await callAs(mpsd, titled, 'PUT', sessionPath('lobby'), { body: joinBody(player) });
    expect((await control(mpsd, 'POST', 'presence', { xuid: player.xuid, titleId: '1234' })).status).toBe(200);
    const activity = await callAs(mpsd, titled, 'POST', '/handles', { body: activityBody('lobby') });
    expect(activity.status).toBe(201);
    expect((await membersOf(mpsd, 'lobby', TEMPLATE))?.map(state)).toEqual(['active', 'active']);
    await control(mpsd, 'POST', 'presence', { xuid: player.xuid, titleId: '9999' });
    expect((await membersOf(mpsd, 'lobby', TEMPLATE))?.map(state)).toEqual(['active', 'inactive']);
    expect((await callAs(mpsd, host, 'GET', `/handles/${(activity.json as { id: string }).id}`)).status).toBe(404);
  });

  it('leaves members alone when the template has suppressPresenceActivityCheck, or the check is off', async () => {
    const checked = await start({ presenceCheck: true });
    await hostSession(checked, userAt(checked, 0), 'a', { template: 'Suppressed' });
    expect((await membersOf(checked, 'a', 'Suppressed'))?.map(state)).toEqual(['active']);
    const unchecked = await start();
    await hostSession(unchecked, userAt(unchecked, 0), 'a', { template: TEMPLATE });
    expect((await membersOf(unchecked, 'a', TEMPLATE))?.map(state)).toEqual(['active']);
  });

  it('refuses a presence body for an unknown user or a bad title', async () => {
    const mpsd = await start({ presenceCheck: true });
    expect((await control(mpsd, 'POST', 'presence', { xuid: '1', titleId: '1234' })).status).toBe(400);
    expect((await control(mpsd, 'POST', 'presence', { xuid: userAt(mpsd, 0).xuid, titleId: 'x' })).text).toContain('titleId is required');
  });
});

describe('contract versions 104 / 105 / 107', () => {
  it('a 105 caller joins and reads timeouts{} and managedInitialization; a 107 caller reads the flat fields', async () => {
    const mpsd = await start({
      templates: {
        serviceConfigs: {
          '*': { Init: { constants: { system: { memberInitialization: { externalEvaluation: true, membersNeededToStart: 1 } } } } },
        },
      },
    });
    const host = userAt(mpsd, 0);
    const v105 = { 'x-xbl-contract-version': '105' };
    const joined = await callAs(mpsd, host, 'PUT', sessionPath('a', SCID, 'Init'), { body: joinBody(host), headers: v105 });
    expect(joined.status).toBe(201);
    const old = joined.json as { contractVersion: number; constants: { system: Record<string, unknown> } };
    expect(old.contractVersion).toBe(105);
    expect(old.constants.system.timeouts).toEqual({ reserved: 30000, inactive: 0, ready: 180000, sessionEmpty: 0 });
    expect(old.constants.system.managedInitialization).toEqual({ autoEvaluate: false, membersNeededToStart: 1 });
    expect(old.constants.system.reservedRemovalTimeout).toBeUndefined();
    const current = (await callAs(mpsd, host, 'GET', sessionPath('a', SCID, 'Init'))).json as {
      contractVersion: number;
      constants: { system: Record<string, unknown> };
    };
    expect(current.contractVersion).toBe(107);
    expect(current.constants.system).toMatchObject({ reservedRemovalTimeout: 30000, memberInitialization: { externalEvaluation: true } });
    expect(current.constants.system.timeouts).toBeUndefined();
  });

  it("reads each version's own form in a body and names the other one", async () => {
    const mpsd = await start({ templates: { serviceConfigs: { '*': { Bare: {} } } } });
    const host = userAt(mpsd, 0);
    const put = (version: string, system: Record<string, unknown>, name: string) =>
      callAs(mpsd, host, 'PUT', sessionPath(name, SCID, 'Bare'), {
        body: { ...joinBody(host), constants: { system } },
        headers: { 'x-xbl-contract-version': version },
      });
    const old = await put('104', { timeouts: { inactive: 5000 } }, 'a');
    expect(old.status).toBe(201);
    expect((old.json as { constants: { system: { timeouts: Record<string, number> } } }).constants.system.timeouts.inactive).toBe(5000);
    const wrongOld = await put('105', { inactiveRemovalTimeout: 5000 }, 'b');
    expect(wrongOld.status).toBe(400);
    expect(wrongOld.text).toContain('constants.system.inactiveRemovalTimeout is the contract 107 form; with contract 105 send timeouts');
    const wrongNew = await put('107', { timeouts: { inactive: 5000 } }, 'c');
    expect(wrongNew.status).toBe(400);
    expect(wrongNew.text).toContain('constants.system.timeouts is the contract 104/105 form');
  });

  it('joins through a handle with contract 105 as well', async () => {
    const mpsd = await start();
    const [host, guest] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    await hostSession(mpsd, host, 'lobby', { template: TEMPLATE });
    const invite = await callAs(mpsd, host, 'POST', '/handles', {
      body: {
        version: 1,
        type: 'invite',
        sessionRef: { scid: SCID, templateName: TEMPLATE, name: 'lobby' },
        invitedXuid: guest.xuid,
        inviteAttributes: { titleId: '1234' },
      },
    });
    const joined = await callAs(mpsd, guest, 'PUT', `/handles/${(invite.json as { id: string }).id}/session`, {
      body: joinBody(guest),
      headers: { 'x-xbl-contract-version': '105' },
    });
    expect(joined.status).toBe(200);
    expect((joined.json as { contractVersion: number }).contractVersion).toBe(105);
  });
});
