/**
 * The `mpa ...` commands against the local MPA, offline: the round trip the issue asks for
 * (A sets an activity and invites B, B queries A and sees the connection string), the exit
 * codes, and a profile sending through the OS keychain (skipped, saying why, without one).
 */
import { describe, expect, it } from 'vitest';
import type { LocalMpsdUser } from '../emulator/index.ts';
import { useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld({ mpsd: { rateLimits: true } });
const { cli, user } = world;
/** The CLI as `who` (see the world's `as`) in title 1234: the local MPSD's origin serves MPA. */
const as = (who: LocalMpsdUser, args: string[]) => world.as(who, [...args, '--title', '1234']);

describe('mpa commands against the local MPA', () => {
  it('round trip: A sets an activity and invites B; B queries A and sees the connection string; A deletes it', async () => {
    const [a, b] = [user(0), user(1)];
    const set = await as(a, [
      'mpa',
      'activity',
      'set',
      '--xuid',
      a.xuid,
      '--connection',
      'lobby:9f2c',
      '--join-restriction',
      'Public',
      '--max-players',
      '8',
      '--current-players',
      '1',
    ]);
    expect(set.code, set.stderr).toBe(0);

    const invite = await as(a, ['mpa', 'invite', 'send', '--xuid', a.xuid, '--to', b.xuid, '--connection', 'lobby:9f2c', '--json']);
    expect(invite.code, invite.stderr).toBe(0);
    const sent = JSON.parse(invite.stdout) as Record<string, unknown>;
    expect(sent).toMatchObject({
      kind: 'mpa.invite.send',
      outcome: 'sent',
      status: 204,
      invitees: [{ xuid: b.xuid, outcome: 'invited' }],
      acceptUris: { [b.xuid]: `ms-xbl-multiplayer://inviteAccept?invitedUser=${b.xuid}&sender=${a.xuid}&connectionString=lobby%3A9f2c` },
    });
    // The token never reaches the output; the placeholder stands in for it.
    expect(invite.stdout).not.toContain(a.authorization.split(';')[1]);
    expect(JSON.stringify(sent.request)).toContain('XBL3.0 x=<uhs>;<token>');

    const query = await as(b, ['mpa', 'activity', 'query', '--user', a.xuid]);
    expect(query.code, query.stderr).toBe(0);
    expect(query.stdout).toContain(`${a.xuid}: Public, 1/8 players, platform Unknown; connection string "lobby:9f2c"`);

    expect((await as(a, ['mpa', 'activity', 'delete', '--xuid', a.xuid])).code).toBe(0);
    const gone = await as(b, ['mpa', 'activity', 'get', '--xuid', a.xuid]);
    expect(gone.stdout).toContain(`${a.xuid}: no activity in title 1234`);
    expect(world.mpsd.mpa().invites).toEqual([
      expect.objectContaining({ sender: a.xuid, invitedUser: b.xuid, connectionString: 'lobby:9f2c' }),
    ]);
  });

  it('an InviteOnly activity is listed without its connection string, saying why', async () => {
    const [a, b] = [user(0), user(1)];
    expect(
      (await as(a, ['mpa', 'activity', 'set', '--xuid', a.xuid, '--connection', 'secret-lobby', '--join-restriction', 'InviteOnly'])).code,
    ).toBe(0);
    const seen = await as(b, ['mpa', 'activity', 'get', '--xuid', a.xuid]);
    expect(seen.stdout).toContain('connection string hidden');
    expect(seen.stdout).not.toContain('secret-lobby');
  });

  it('exit codes: 3 for a bad request (nothing sent), 7 when the invite may or may not have landed, 5 when MPA refuses', async () => {
    const [a, b] = [user(0), user(1)];
    const seventeen = Array.from({ length: 17 }, (_, index) => ['--to', String(2814660000001000 + index)]).flat();
    const tooMany = await as(a, ['mpa', 'invite', 'send', ...seventeen]);
    expect(tooMany.code).toBe(3);
    expect(tooMany.stderr).toContain('at most 16');
    const badSet = await as(a, ['mpa', 'activity', 'set', '--xuid', a.xuid, '--connection', 'x', '--join-restriction', 'Friends']);
    expect(badSet.code).toBe(3);
    expect(badSet.stderr).toContain('joinRestriction must be one of Public, InviteOnly, Followed');

    world.mpsd.faults.set({ kind: 'status', status: 503, count: 1, pathPattern: '/invites$' });
    const unclear = await as(a, ['mpa', 'invite', 'send', '--to', b.xuid]);
    expect(unclear.code).toBe(7);
    expect(unclear.stderr).toContain(`${b.xuid}: unknown`);

    const notMine = await as(b, ['mpa', 'activity', 'set', '--xuid', a.xuid, '--connection', 'x', '--join-restriction', 'Public']);
    expect(notMine.code).toBe(5);
    expect(notMine.stderr).toContain('Players set only their own activity');
    expect(world.mpsd.mpa().invites).toEqual([]);
  });

  it('as a profile: its stored token, its endpoint naming the local MPA', async (context) => {
    const [a, b] = [user(0), user(1)];
    const skip = (reason: string) => context.skip(reason);
    await world.addProfile('mpa-box', world.mpsd.url, { service: 'mpa' });
    expect((await cli(['profile', 'show', 'mpa-box'])).stdout).toContain('service Multiplayer Activity (mpa)');
    await world.storeToken('mpa-box', { authorization: a.authorization, skip });
    const set = await cli([
      'mpa',
      'activity',
      'set',
      '--profile',
      'mpa-box',
      '--title',
      '1234',
      '--xuid',
      a.xuid,
      '--connection',
      'lobby:p',
      '--join-restriction',
      'Public',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).not.toContain('set to MPSD handles');
    const invited = await cli(['mpa', 'invite', 'send', '--profile', 'mpa-box', '--title', '1234', '--to', b.xuid]);
    expect(invited.code, invited.stderr).toBe(0);
    expect(world.mpsd.mpa().activities).toEqual([expect.objectContaining({ xuid: a.xuid, connectionString: 'lobby:p' })]);
    // A profile set to MPSD handles still sends when asked, with a warning: one service per title.
    await world.addProfile('mpsd-box', world.mpsd.url, { token: { authorization: b.authorization, skip } });
    const mixed = await cli(['mpa', 'activity', 'get', '--profile', 'mpsd-box', '--title', '1234', '--xuid', a.xuid]);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.stderr).toContain('profile "mpsd-box" is set to MPSD handles');
  });
});
