/**
 * The MPA channels as the page reaches them in browser mode: real core on a temporary folder,
 * an MPA profile for the local MPSD (which serves MPA beside it), and calls over the host's
 * loopback HTTP. The answers say what MPA did per invitee and per user, and carry no token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../emulator/index.ts';
import type { MpaSendResult } from '../shared/contract/mpa.ts';
import { useHostWorld } from './host-world.fixture.ts';

const TITLE = '1234';
let mpsd: LocalMpsd;

beforeEach(async () => {
  mpsd = await startLocalMpsd({ users: 3 });
});
afterEach(async () => {
  await mpsd.stop();
});

// After the MPSD's hooks: core and the host close before it stops.
const { call, value } = useHostWorld();

/** An MPA profile signed in as the emulator's user `index`, made active. */
async function mpaProfile(index: number): Promise<string> {
  const profile = await value('saveProfile', {
    name: `MPA ${index}`,
    environment: 'local',
    endpoint: mpsd.url,
    sandboxId: 'XDKS.1',
    service: 'mpa',
  });
  await value('activateProfile', { profileId: profile.id });
  await value('pasteToken', { profileId: profile.id, authorization: mpsd.users[index]!.authorization });
  return profile.id as string;
}

describe('sendMpa over browser mode', () => {
  it('sets an activity, reads it back, invites two users in one call, and no answer holds the token', async () => {
    const [a, b, c] = mpsd.users;
    const profileId = await mpaProfile(0);
    const answers: MpaSendResult[] = [];
    const send = async (request: unknown) => {
      const answer = await value<MpaSendResult>('sendMpa', { profileId, request });
      answers.push(answer);
      return answer;
    };

    const set = await send({
      kind: 'mpa.activity.set',
      titleId: '0x4D2',
      xuid: a!.xuid,
      connectionString: 'lobby+1/=',
      joinRestriction: 'Public',
      maxPlayers: 4,
      currentPlayers: 1,
    });
    expect(set.error).toBeUndefined();
    expect(set.request).toMatchObject({ titleId: TITLE });
    expect(set.exchange).toMatchObject({ kind: 'mpa.activity.set', request: { method: 'PUT' }, response: { status: 204 } });

    const got = await send({ kind: 'mpa.activity.get', titleId: TITLE, xuid: a!.xuid });
    expect(got.activity).toMatchObject({ xuid: a!.xuid, connectionString: 'lobby+1/=', joinRestriction: 'Public', maxPlayers: 4 });

    const queried = await send({ kind: 'mpa.activity.query', titleId: TITLE, users: [a!.xuid, b!.xuid] });
    expect(queried.users).toEqual([
      { xuid: a!.xuid, activities: [expect.objectContaining({ connectionString: 'lobby+1/=' })] },
      { xuid: b!.xuid, activities: [] },
    ]);

    const invite = await send({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b!.xuid, c!.xuid], connectionString: 'lobby+1/=' });
    expect(invite.invitees).toEqual([
      { xuid: b!.xuid, outcome: 'invited' },
      { xuid: c!.xuid, outcome: 'invited' },
    ]);
    expect(invite.exchange.request.headers['Authorization']).toBe('XBL3.0 x=<uhs>;<token>');

    // The other two kinds answer through the same contract (their requests pass the output schema too).
    const recent = await send({
      kind: 'mpa.recentPlayers.update',
      titleId: TITLE,
      recentPlayers: [{ id: b!.xuid, encounterType: 'Teammate' }],
    });
    expect(recent.error).toBeUndefined();
    const deleted = await send({ kind: 'mpa.activity.delete', titleId: TITLE, xuid: a!.xuid });
    expect(deleted.error).toBeUndefined();
    expect(mpsd.mpa().activities).toEqual([]);

    const everything = JSON.stringify(answers);
    const secret = a!.authorization.split(';')[1]!;
    expect(secret.length).toBeGreaterThan(15);
    expect(everything).not.toContain(secret);
  });

  it('refuses a request the MPA schema refuses, naming the field and the limit, before anything is sent', async () => {
    const profileId = await mpaProfile(0);
    const seventeen = Array.from({ length: 17 }, (_, index) => String(2814000000000100 + index));
    const answer = await call('sendMpa', { profileId, request: { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: seventeen } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('at most 16') } });
    expect(mpsd.mpa().invites).toEqual([]);
  });

  it('a failed call answers with what MPA said, per invitee, not as a thrown error', async () => {
    const profileId = await mpaProfile(0);
    // The emulator has no such user: MPA refuses the whole call, so no invitee was invited.
    const answer = await value<MpaSendResult>('sendMpa', {
      profileId,
      request: { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: ['2814999999999999'] },
    });
    expect(answer.error).toBeDefined();
    expect(answer.invitees).toEqual([{ xuid: '2814999999999999', outcome: 'not-invited' }]);
  });

  it('openActivationUri is refused in browser mode: only the desktop app on Windows opens one', async () => {
    const answer = await call('openActivationUri', { uri: 'ms-xbl-multiplayer://inviteAccept?invitedUser=1&sender=2&connectionString=' });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toMatch(process.platform === 'win32' ? /Only the desktop app/ : /only on Windows/);
  });
});
