/**
 * Request commands without --profile or XBL_AUTHORIZATION send as the active profile, as
 * the app does, and say which on stderr (so --json stays one document on stdout); with
 * XBL_AUTHORIZATION set the environment still wins. Real child processes, a real local MPSD
 * and the OS keychain (run under a Secret Service; skipped, saying why, without one).
 */
import { describe, expect, it } from 'vitest';
import { TEST_SCID, useCliWorld } from './cli-world.fixture.ts';

const session = (name: string) => ['--scid', TEST_SCID, '--template', 'GameSession', '--session', name];
const world = useCliWorld({ mpsd: true });

describe('the active profile as the default sender', () => {
  it('sends as the active profile when neither --profile nor XBL_AUTHORIZATION is given, and says which on stderr', async (context) => {
    const { mpsd, cli } = world;
    const [me, alice] = mpsd.users;

    // No profile at all: the same "no credentials" answer as before.
    const none = await cli(['session', 'join', ...session('lobby-1'), '--xuid', me!.xuid]);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('No credentials');

    await world.addProfile('qa-box', mpsd.url, { token: { authorization: me!.authorization, skip: (reason) => context.skip(reason) } });
    expect((await cli(['profile', 'use', 'qa-box'])).code).toBe(0);

    const joined = await cli(['session', 'join', ...session('lobby-1'), '--xuid', me!.xuid]);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stderr).toContain('using the active profile "qa-box"');

    const invited = await cli(['invite', 'send', ...session('lobby-1'), '--title-id', '1234', '--to', alice!.xuid, '--json']);
    expect(invited.code, invited.stderr).toBe(0);
    expect(invited.stderr).toContain('using the active profile "qa-box"');
    expect(JSON.parse(invited.stdout)).toMatchObject({ ok: true });
    expect(mpsd.invites().map((invite) => invite.invitedXuid)).toEqual([alice!.xuid]);

    // XBL_AUTHORIZATION still wins over the active profile, and no profile is named.
    const withEnvironment = await cli(['session', 'join', ...session('lobby-2'), '--xuid', me!.xuid, '--endpoint', mpsd.url], {
      env: { XBL_AUTHORIZATION: me!.authorization },
    });
    expect(withEnvironment.code, withEnvironment.stderr).toBe(0);
    expect(withEnvironment.stderr).not.toContain('active profile');
  });
});
