/**
 * `profile add` with sign-in settings and `profile login` (device code), run as child
 * processes against `emulator start`'s sign-in stand-ins, the code approved from here
 * through the stand-ins' control endpoint, as a second device would.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { approveDeviceCode, shownCode, signInProfileArgs, useCliChildren, watchLogin, type EmulatorLine } from './cli-children.fixture.ts';
import { sessionFlags, skipWithoutKeychain, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld();
const { cli } = world;
// Room for a loaded 2-core machine to end the emulator and a login.
const children = useCliChildren({ timeout: 240_000 });
let printed: EmulatorLine;

beforeEach(async () => {
  ({ printed } = await children.emulator(world.dataDir));
}, 240_000);

async function addSignInProfile(name: string): Promise<void> {
  const add = await cli(signInProfileArgs(name, printed));
  expect(add.code, add.stderr).toBe(0);
  expect(add.stdout).toContain(`run \`handle-studio profile login "${name}"\``);
  world.removeAfterTest(name);
}

// Each test starts the emulator and a login as processes: room for a loaded 2-core machine.
describe("profile login against emulator start's sign-in stand-ins", { timeout: 240_000 }, () => {
  it('shows the URL and code, waits for the approval, ends with gamertag, XUID and expiry, and the token works (never printed)', async (context) => {
    await addSignInProfile('local sign-in');
    const shown = await cli(['profile', 'show', 'local sign-in', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      profile: { auth: { msaClientId: printed.tokenServices.clientId, tokenEndpoints: { authority: printed.tokenServices.authority } } },
    });

    const watched = watchLogin(children.start(world.dataDir, ['profile', 'login', 'local sign-in']));
    const userCode = await shownCode(watched, context);
    const linkPage = `${new URL(printed.tokenServices.authority).origin}/link`;
    const tester = printed.users[1]!;
    const approved = await approveDeviceCode(printed, userCode, tester.xuid);
    expect(approved.status, await approved.clone().text()).toBe(200);

    const run = await watched.done;
    skipWithoutKeychain(run, context);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`To sign in, open ${linkPage} and enter the code ${userCode}`);
    expect(run.stderr).toContain('Waiting for the sign-in to finish');
    expect(run.stdout.trim()).toMatch(
      new RegExp(
        `^Signed in "local sign-in" as ${tester.gamertag} \\(XUID ${tester.xuid}\\); the token is valid until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\.$`,
      ),
    );
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/XBL3\.0|x=[0-9a-f]+;/);

    // The stored token is the tester's and the local MPSD accepts it.
    const join = await cli(['session', 'join', ...sessionFlags('cli-login'), '--xuid', tester.xuid, '--profile', 'local sign-in']);
    expect(join.code, join.stderr).toBe(0);
    const activity = await cli(['activity', 'set', ...sessionFlags('cli-login'), '--profile', 'local sign-in', '--json']);
    expect(activity.code, activity.stderr).toBe(0);
    expect(`${join.stdout}${activity.stdout}${activity.stderr}`).not.toMatch(/XBL3\.0 x=[0-9a-f]+;[^<]/);
  });

  it('Ctrl+C while waiting cancels the sign-in and stores nothing', async (context) => {
    await addSignInProfile('cancelled');
    const login = children.start(world.dataDir, ['profile', 'login', 'cancelled']);
    const watched = watchLogin(login);
    await Promise.race([watched.code, watched.done.then((run) => skipWithoutKeychain(run, context))]);
    login.kill('SIGINT');
    const run = await watched.done;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Sign-in cancelled');
    const shown = await cli(['profile', 'show', 'cancelled', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ profile: { token: { state: 'none' } } });
  });

  it('profile add refuses a sign-in URL that would send tokens over plain http off this machine, saying how to fix it', async () => {
    const run = await cli(['profile', 'add', 'bad', '--sandbox', 'XDKS.1', '--authority', 'http://login.example.com/consumers']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Authority URL must use https (plain http is allowed only for 127.0.0.1 or localhost');
    const list = await cli(['profile', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject({ profiles: [] });
  });
});
