/**
 * Request commands without --profile or XBL_AUTHORIZATION send as the active profile, as
 * the app does, and say which on stderr (so --json stays one document on stdout); with
 * XBL_AUTHORIZATION set the environment still wins. Real child processes, a real local MPSD
 * and the OS keychain (run under a Secret Service; skipped, saying why, without one).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../emulator/index.ts';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const session = (name: string) => ['--scid', SCID, '--template', 'GameSession', '--session', name];

let data: ReturnType<typeof tempDataDir>;
let mpsd: LocalMpsd;
beforeEach(async () => {
  data = tempDataDir();
  mpsd = await startLocalMpsd({ rateLimits: false, allowedScids: [SCID] });
});
afterEach(async () => {
  // The profile's keychain entry goes with it.
  await runCli(data.path, ['profile', 'remove', 'qa-box', '--yes']);
  await mpsd.stop();
  data.remove();
});

describe('the active profile as the default sender', () => {
  it('sends as the active profile when neither --profile nor XBL_AUTHORIZATION is given, and says which on stderr', async (context) => {
    const [me, alice] = mpsd.users;
    const cli = (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => runCli(data.path, args, options);

    // No profile at all: the same "no credentials" answer as before.
    const none = await cli(['session', 'join', ...session('lobby-1'), '--xuid', me!.xuid]);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('No credentials');

    expect((await cli(['profile', 'add', 'qa-box', '--endpoint', mpsd.url, '--sandbox', 'XDKS.1'])).code).toBe(0);
    const stored = await cli(['profile', 'set-token', 'qa-box'], { stdin: `${me!.authorization}\n` });
    if (stored.code === 4 && stored.stderr.includes('KEYCHAIN_UNAVAILABLE'))
      context.skip(`No OS keychain reachable here: ${stored.stderr.trim()}`);
    expect(stored.code, stored.stderr).toBe(0);
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
