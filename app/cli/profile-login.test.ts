/**
 * `profile add` with sign-in settings and `profile login` (device code), run as child
 * processes against `emulator start`'s sign-in stand-ins, the code approved from here
 * through the stand-ins' control endpoint, as a second device would.
 */
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { exited, firstLine, runCli, startCli, tempDataDir, type CliRun } from './cli-process.fixture.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

interface EmulatorLine {
  url: string;
  users: { xuid: string; gamertag: string; authorization: string }[];
  tokenServices: { authority: string; userAuthenticate: string; xstsAuthorize: string; clientId: string };
}

let dataDir: ReturnType<typeof tempDataDir>;
let emulator: ReturnType<typeof startCli>;
let printed: EmulatorLine;
const running: ReturnType<typeof startCli>[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

const cli = (args: string[]) => runCli(dataDir.path, args);

beforeEach(async () => {
  dataDir = tempDataDir();
  emulator = startCli(dataDir.path, ['emulator', 'start', '--port', '0', '--json', '--no-rate-limits']);
  running.push(emulator);
  printed = JSON.parse(await firstLine(emulator)) as EmulatorLine;
}, 240_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const child of running.splice(0)) {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited(child);
  }
  dataDir.remove();
}, 240_000);

function signInFlags(): string[] {
  const { clientId, authority, userAuthenticate, xstsAuthorize } = printed.tokenServices;
  return ['--client-id', clientId, '--authority', authority, '--user-auth-url', userAuthenticate, '--xsts-url', xstsAuthorize];
}

async function addSignInProfile(name: string): Promise<void> {
  const add = await cli(['profile', 'add', name, '--endpoint', printed.url, '--sandbox', 'XDKS.1', ...signInFlags()]);
  expect(add.code, add.stderr).toBe(0);
  expect(add.stdout).toContain(`run \`handle-studio profile login "${name}"\``);
  cleanups.push(() => cli(['profile', 'remove', name, '--yes']));
}

/** Collects a child's output until it ends, resolving `code` once the device code shows on stderr. */
function watchLogin(child: ReturnType<typeof startCli>): { code: Promise<string>; done: Promise<CliRun> } {
  let stdout = '';
  let stderr = '';
  let foundCode: (code: string) => void;
  const code = new Promise<string>((resolve) => (foundCode = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const shown = /enter the code (\S+?)(?: |\.)/.exec(stderr);
    if (shown) foundCode(shown[1]!);
  });
  child.stdin.end();
  const done = exited(child).then((exitCode) => {
    foundCode('(none: exited before showing a code)');
    return { code: exitCode, stdout, stderr };
  });
  return { code, done };
}

function skipWithoutKeychain(run: CliRun, context: TestContext): void {
  if (run.code === 4 && run.stderr.includes('KEYCHAIN_UNAVAILABLE')) {
    context.skip(`No OS keychain reachable here, so a signed-in token cannot be stored: ${run.stderr.trim()}`);
  }
}

// Each test starts the emulator and a login as processes: room for a loaded 2-core machine.
describe("profile login against emulator start's sign-in stand-ins", { timeout: 240_000 }, () => {
  it('shows the URL and code, waits for the approval, ends with gamertag, XUID and expiry, and the token works (never printed)', async (context) => {
    await addSignInProfile('local sign-in');
    const shown = await cli(['profile', 'show', 'local sign-in', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      profile: { auth: { msaClientId: printed.tokenServices.clientId, tokenEndpoints: { authority: printed.tokenServices.authority } } },
    });

    const login = startCli(dataDir.path, ['profile', 'login', 'local sign-in']);
    running.push(login);
    const watched = watchLogin(login);
    const userCode = await Promise.race([
      watched.code,
      watched.done.then((run) => skipWithoutKeychain(run, context)).then(() => watched.code),
    ]);
    const linkPage = `${new URL(printed.tokenServices.authority).origin}/link`;
    const tester = printed.users[1]!;
    const approved = await fetch(`${new URL(printed.tokenServices.authority).origin}/_emulator/device-codes/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userCode, xuid: tester.xuid }),
    });
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
    const join = await cli([
      'session',
      'join',
      '--scid',
      SCID,
      '--template',
      'GameSession',
      '--session',
      'cli-login',
      '--xuid',
      tester.xuid,
      '--profile',
      'local sign-in',
    ]);
    expect(join.code, join.stderr).toBe(0);
    const activity = await cli([
      'activity',
      'set',
      '--scid',
      SCID,
      '--template',
      'GameSession',
      '--session',
      'cli-login',
      '--profile',
      'local sign-in',
      '--json',
    ]);
    expect(activity.code, activity.stderr).toBe(0);
    expect(`${join.stdout}${activity.stdout}${activity.stderr}`).not.toMatch(/XBL3\.0 x=[0-9a-f]+;[^<]/);
  });

  it('Ctrl+C while waiting cancels the sign-in and stores nothing', async (context) => {
    await addSignInProfile('cancelled');
    const login = startCli(dataDir.path, ['profile', 'login', 'cancelled']);
    running.push(login);
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
