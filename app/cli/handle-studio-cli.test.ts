/**
 * The real CLI, run as a child process against a local MPSD started in the test: what a
 * developer or a CI script sees (exit code, stdout, stderr) for each kind of outcome.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { OTHER_SCID } from '../emulator/test-calls.fixture.ts';
import { useCliChildren } from './cli-children.fixture.ts';
import { exited, firstLine, type CliRun } from './cli-process.fixture.ts';
import { FAKE_AUTHORIZATION, TEST_SCID as SCID, sessionFlags as session, skipWithoutKeychain, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld({ mpsd: true });
const { cli } = world;
const children = useCliChildren({ signal: 'SIGKILL' });

/** Asserts that no output of a run shows the token (or any part after the user hash). */
function expectNoSecret(run: CliRun, authorization: string): void {
  const token = authorization.slice(authorization.indexOf(';') + 1);
  expect(run.stdout).not.toContain(token);
  expect(run.stderr).not.toContain(token);
}

/** Adds a profile for the local MPSD; the world removes it (with its keychain entry) after the test. */
const addLocalProfile = () => world.addProfile('local', world.mpsd.url);

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('handle-studio without a server', () => {
  it('--help lists the commands, the exit codes and where authorization comes from', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of [
      'activity set',
      'invite send',
      'session join',
      'profile set-token',
      'preset save',
      'history',
      'outbox flush',
      'emulator start',
    ]) {
      expect(run.stdout).toContain(command);
    }
    expect(run.stdout).toContain('XBL_AUTHORIZATION');
    expect(run.stdout).toMatch(/7 partly done/);
  });

  it("a command's --help shows its flags and examples", async () => {
    const run = await cli(['invite', 'send', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: handle-studio invite send');
    expect(run.stdout).toMatch(/--to XUID\[=label\].*\(repeatable\)/);
    expect(run.stdout).toContain('--queue');
    expect(run.stdout).toContain('Examples:');
  });

  it("an unknown flag is a usage error (exit 2) naming the flag, with the command's help", async () => {
    const run = await cli(['activity', 'set', '--sesion', 'lobby-7']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown flag --sesion');
    expect(run.stderr).toContain('Usage: handle-studio activity set');
    expect(run.stdout).toBe('');
  });

  it('an unknown subcommand and a flag without its value are usage errors', async () => {
    const unknown = await cli(['activity', 'launch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown subcommand "launch" for activity: use one of set, get, clear, query/);
    const missing = await cli(['invite', 'send', '--scid']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--scid needs a value');
  });

  it('refuses a token given as a flag or argument, without echoing it, and points at the safe ways', async () => {
    const secret = 'XBL3.0 x=1234567890;eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2VuLXZhbHVl.sig';
    for (const args of [
      ['invite', 'send', '--token', 'eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2VuLXZhbHVl.sig'],
      ['activity', 'set', `--authorization=${secret}`],
      ['profile', 'set-token', 'dev', secret],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('XBL_AUTHORIZATION');
      expect(run.stderr).toContain('profile set-token');
      expectNoSecret(run, secret);
    }
  });

  it("a value that breaks the request's rules exits 3 with the flag and the field's message", async () => {
    const env = { XBL_AUTHORIZATION: FAKE_AUTHORIZATION };
    const badScid = await cli(
      ['invite', 'send', ...session('lobby-7', 'GameSession', 'not-a-guid'), '--title-id', '1234', '--to', '2814679796296491'],
      {
        env,
      },
    );
    expect(badScid.code).toBe(3);
    expect(badScid.stderr).toContain('--scid: SCID must be a GUID');

    const badXuid = await cli(
      ['invite', 'send', ...session('lobby-7'), '--title-id', '0x4D2', '--to', '2814679796296491', '--to', 'alice', '--json'],
      { env },
    );
    expect(badXuid.code).toBe(3);
    expect(badXuid.stderr).toContain('--to: XUID must be decimal digits');
    const json = JSON.parse(badXuid.stdout) as { ok: boolean; error: { code: string; details: { fields: { flag: string }[] } } };
    expect(json.ok).toBe(false);
    expect(json.error.code).toBe('VALIDATION');
    expect(json.error.details.fields[0]?.flag).toBe('--to');
  });

  it('a missing required flag exits 3 saying what to give', async () => {
    const run = await cli(['activity', 'set', '--scid', SCID, '--session', 'lobby-7'], {
      env: { XBL_AUTHORIZATION: 'XBL3.0 x=abc;eyJ0eXAiOiJKV1QifQ.e30.c2lnbmF0dXJl' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--template: Template name is required');
  });

  it('without XBL_AUTHORIZATION or --profile, a send exits 4 and says how to give credentials', async () => {
    const run = await cli(['activity', 'set', ...session('lobby-7')]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('XBL_AUTHORIZATION');
    expect(run.stderr).toContain('--profile');
  });

  it('--queue without a profile is a usage error: the outbox needs a stored token', async () => {
    const run = await cli(['invite', 'send', ...session('lobby-7'), '--title-id', '1234', '--to', '2814679796296491', '--queue'], {
      env: { XBL_AUTHORIZATION: 'XBL3.0 x=abc;eyJ0eXAiOiJKV1QifQ.e30.c2lnbmF0dXJl' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--queue needs --profile');
  });

  it('emulator start --port 0 --json prints its URL and users first, serves, and stops on SIGTERM', async () => {
    const child = children.start(world.dataDir, ['emulator', 'start', '--port', '0', '--json']);
    const first = JSON.parse(await firstLine(child)) as { url: string; users: { xuid: string; authorization: string }[] };
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.users.length).toBeGreaterThan(0);
    const answer = await fetch(`${first.url}/handles/query?include=relatedInfo`, {
      method: 'POST',
      headers: {
        Authorization: first.users[0]!.authorization,
        'x-xbl-contract-version': '107',
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ type: 'activity', scid: SCID, owners: { xuids: [first.users[0]!.xuid] } }),
    });
    expect(answer.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('emulator start refuses a port that is not a number (exit 3)', async () => {
    const run = await cli(['emulator', 'start', '--port', 'eighty']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--port must be a whole number from 0 to 65535');
  });
});

describe('handle-studio against a local MPSD', () => {
  let auth: string;
  let me: string;
  let alice: string;
  let bob: string;
  /** The CLI as the MPSD's first user (`me`). */
  const send = (args: string[]) => world.as(world.user(0), args);

  beforeEach(() => {
    auth = world.user(0).authorization;
    [me, alice, bob] = [world.user(0).xuid, world.user(1).xuid, world.user(2).xuid];
  });

  it('session join, then activity set: the activity exists and activity get --json shows it', async () => {
    const join = await send(['session', 'join', ...session('lobby-7'), '--xuid', me]);
    expect(join.code, join.stderr).toBe(0);
    const set = await send(['activity', 'set', ...session('lobby-7'), '--json']);
    expect(set.code, set.stderr).toBe(0);
    const setJson = JSON.parse(set.stdout) as { ok: boolean; requests: { method: string; status: number }[] };
    expect(setJson.ok).toBe(true);
    expect(setJson.requests[0]).toMatchObject({ method: 'POST' });
    expect(world.mpsd.stats().handlesCreated).toBe(1);

    const get = await send(['activity', 'get', '--scid', SCID, '--xuid', me, '--json']);
    expect(get.code, get.stderr).toBe(0);
    const body = (JSON.parse(get.stdout) as { requests: { body: { results: { sessionRef: { name: string } }[] } }[] }).requests[0]!.body;
    expect(body.results.map((handle) => handle.sessionRef.name)).toEqual(['lobby-7']);
    const readable = await send(['activity', 'get', '--scid', SCID, '--xuid', me]);
    expect(readable.stdout).toContain(`${me} is in GameSession/lobby-7  handle `);

    const clear = await send(['activity', 'clear', '--scid', SCID, '--xuid', me]);
    expect(clear.code, clear.stderr).toBe(0);
    const after = await send(['activity', 'get', '--scid', SCID, '--xuid', me]);
    expect(after.stdout).toContain('No activity found.');
    expectNoSecret(set, auth);
    expectNoSecret(get, auth);
  });

  it('invite send --to A --to B --json: two invites land, each with its handle id and correlation id', async () => {
    const join = await send(['session', 'join', ...session('lobby-8'), '--xuid', me]);
    expect(join.code, join.stderr).toBe(0);
    const run = await send([
      'invite',
      'send',
      ...session('lobby-8'),
      '--title-id',
      '0x4D2',
      '--to',
      `${alice}=Alice`,
      '--to',
      bob,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as {
      ok: boolean;
      requests: { status: number; handleId: string; correlationId?: string; invitedXuid: string }[];
      invitees: { invitedXuid: string; state: string; handleId: string; label?: string }[];
    };
    expect(json.ok).toBe(true);
    expect(json.invitees.map((invitee) => [invitee.invitedXuid, invitee.state])).toEqual([
      [alice, 'sent'],
      [bob, 'sent'],
    ]);
    expect(json.invitees[0]!.label).toBe('Alice');
    const handleIds = json.requests.map((request) => request.handleId);
    expect(new Set(handleIds).size).toBe(2);
    for (const request of json.requests) expect([200, 201]).toContain(request.status);
    // Counted on the server, not just reported by the client.
    const invites = world.mpsd.invites();
    expect(invites.map((invite) => invite.invitedXuid)).toEqual([alice, bob]);
    expect(world.mpsd.stats().invitesCreated).toBe(2);
    expectNoSecret(run, auth);
  });

  it("a refused call exits 5 with MPSD's reason: a forbidden SCID (403) and an unknown handle (404)", async () => {
    const forbidden = await send(['invite', 'send', ...session('x', 'GameSession', OTHER_SCID), '--title-id', '1234', '--to', alice]);
    expect(forbidden.code).toBe(5);
    expect(forbidden.stdout + forbidden.stderr).toMatch(/FORBIDDEN/);

    const missing = await send(['handle', 'get', '--handle', '6a3f0e1c-4b1e-4a57-9d8e-2f1c0b7a9e11', '--json']);
    expect(missing.code).toBe(5);
    const json = JSON.parse(missing.stdout) as { ok: boolean; requests: { status: number }[]; error: { code: string } };
    expect(json.requests[0]!.status).toBe(404);
    expect(json.error.code).toBe('NOT_FOUND');
  });

  it('an endpoint nobody answers on exits 6', async () => {
    const port = await closedPort();
    const run = await cli(['session', 'get', ...session('lobby-7'), '--endpoint', `http://127.0.0.1:${port}`], {
      env: { XBL_AUTHORIZATION: auth },
    });
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/OFFLINE|could not be reached|connect/i);
    expectNoSecret(run, auth);
  });

  it('a fan-out where one invite fails and the other lands exits 7 and says which', async () => {
    await send(['session', 'join', ...session('lobby-9'), '--xuid', me]);
    world.mpsd.faults.set({ kind: 'status', status: 500, count: 1, pathPattern: '^/handles$' });
    const run = await send(['invite', 'send', ...session('lobby-9'), '--title-id', '1234', '--to', alice, '--to', bob, '--json']);
    expect(run.code, run.stderr).toBe(7);
    const json = JSON.parse(run.stdout) as { ok: boolean; invitees: { invitedXuid: string; state: string }[] };
    expect(json.ok).toBe(false);
    expect(json.invitees.find((invitee) => invitee.invitedXuid === bob)?.state).toBe('sent');
    expect(json.invitees.find((invitee) => invitee.invitedXuid === alice)?.state).not.toBe('sent');
    expect(world.mpsd.invites().map((invite) => invite.invitedXuid)).toEqual([bob]);
  });

  it("human output names each invitee's state and the handle id", async () => {
    await send(['session', 'join', ...session('lobby-10'), '--xuid', me]);
    const run = await send(['invite', 'send', ...session('lobby-10'), '--title-id', '1234', '--to', `${alice}=Alice`]);
    expect(run.code, run.stderr).toBe(0);
    const [invite] = world.mpsd.invites();
    expect(run.stdout).toContain(`sent`);
    expect(run.stdout).toContain(`${alice} (Alice)`);
    expect(run.stdout).toContain(`handle ${invite!.id}`);
    expect(run.stdout).toContain('1 of 1 invite sent.');
  });

  it('profile add, set-token from stdin, then --profile sends with the stored token (never shown)', async (context) => {
    const add = await addLocalProfile();
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Added profile "local" (local');

    const empty = await cli(['profile', 'set-token', 'local'], { stdin: '' });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('Standard input was empty');

    const stored = await cli(['profile', 'set-token', 'local'], { stdin: `${auth}\n` });
    skipWithoutKeychain(stored, context);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toContain('Stored the token for "local"');
    expectNoSecret(stored, auth);

    await cli(['session', 'join', ...session('lobby-11'), '--xuid', me, '--profile', 'local']);
    const run = await cli(['invite', 'send', ...session('lobby-11'), '--title-id', '1234', '--to', alice, '--profile', 'local', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(world.mpsd.invites().map((invite) => invite.invitedXuid)).toEqual([alice]);

    const list = await cli(['profile', 'list', '--json']);
    expect(list.code).toBe(0);
    const profiles = (JSON.parse(list.stdout) as { profiles: { name: string; token: { state: string } }[] }).profiles;
    expect(profiles.map((profile) => profile.name)).toEqual(['local']);
    expect(profiles[0]!.token.state).not.toBe('none');
    expectNoSecret(list, auth);

    const history = await cli(['history', '--kind', 'invite.send', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const entries = (JSON.parse(history.stdout) as { entries: { invitedXuid?: string; handleId?: string }[] }).entries;
    expect(entries.map((entry) => entry.invitedXuid)).toEqual([alice]);
    expect(entries[0]!.handleId).toBe(world.mpsd.invites()[0]!.id);
    expectNoSecret(history, auth);
  });

  it('invite send --queue while MPSD is unreachable holds the invites in the outbox and exits 0; flush exits 6 while still offline', async (context) => {
    const port = await closedPort();
    await world.addProfile('offline', `http://127.0.0.1:${port}`);
    const stored = await cli(['profile', 'set-token', 'offline'], { stdin: auth });
    skipWithoutKeychain(stored, context);

    const queued = await cli([
      'invite',
      'send',
      ...session('lobby-12'),
      '--title-id',
      '1234',
      '--to',
      alice,
      '--to',
      bob,
      '--profile',
      'offline',
      '--queue',
      '--json',
    ]);
    expect(queued.code, queued.stderr).toBe(0);
    expect(JSON.parse(queued.stdout)).toMatchObject({ ok: true, outcome: 'queued', queued: 2 });

    const listed = await cli(['outbox', 'list', '--json']);
    const outbox = JSON.parse(listed.stdout) as { items: { invitedXuid: string; state: string }[]; counts: { queued: number } };
    expect(outbox.items.map((item) => [item.invitedXuid, item.state])).toEqual([
      [alice, 'queued'],
      [bob, 'queued'],
    ]);
    expectNoSecret(listed, auth);

    const flush = await cli(['outbox', 'flush']);
    expect(flush.code).toBe(6);
    expect(flush.stdout).toMatch(/still waiting/);
  });

  it("preset save, then invite send --preset adds --to invitees after the preset's and keeps its labels", async () => {
    const join = await send(['session', 'join', ...session('lobby-13'), '--xuid', me]);
    expect(join.code, join.stderr).toBe(0);
    const saved = await cli(['preset', 'save', 'Friday night', ...session('lobby-13'), '--title-id', '0x4D2', '--to', `${alice}=Alice`]);
    expect(saved.code, saved.stderr).toBe(0);

    const run = await send(['invite', 'send', '--preset', 'friday night', '--to', bob, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { invitees: { invitedXuid: string; label?: string; state: string }[] };
    expect(json.invitees).toMatchObject([
      { invitedXuid: alice, label: 'Alice', state: 'sent' },
      { invitedXuid: bob, state: 'sent' },
    ]);
    expect(world.mpsd.invites().map((invite) => [invite.invitedXuid, invite.inviteAttributes.titleId])).toEqual([
      [alice, '1234'],
      [bob, '1234'],
    ]);

    const unknown = await send(['invite', 'send', '--preset', 'Saturday']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('There is no preset named "Saturday"');
  });

  it('a preset that joins first makes a fresh session, sets the activity, then invites', async () => {
    const saved = await cli([
      'preset',
      'save',
      'playtest',
      '--scid',
      SCID,
      '--template',
      'GameSession',
      '--new-session-each-time',
      '--join-first',
      '--title-id',
      '1234',
      '--to',
      alice,
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    const withoutXuid = await send(['invite', 'send', '--preset', 'playtest']);
    expect(withoutXuid.code).toBe(3);
    expect(withoutXuid.stderr).toContain('--xuid');

    const run = await send(['invite', 'send', '--preset', 'playtest', '--xuid', me, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { before: { requests: { kind: string }[] }[]; invitees: { state: string }[] };
    expect(json.before.map((step) => step.requests[0]!.kind)).toEqual(['session.join', 'activity.set']);
    expect(json.invitees.map((invitee) => invitee.state)).toEqual(['sent']);
    const [invite] = world.mpsd.invites();
    expect(invite!.sessionRef.name).toMatch(/^[0-9a-f-]{36}$/);
    expect(world.mpsd.stats().handlesCreated).toBe(2);
  });

  it('draft send sends a draft saved by the app, and refuses one with a mistake before any call', async () => {
    // The app saves drafts as the user types; do the same through core on this data folder.
    const fields = { scid: SCID, templateName: 'GameSession', sessionName: 'lobby-14', titleId: '1234', invitees: [`${alice} Alice`] };
    const [good, bad] = await world.withCore(async (studio) => [
      await studio.dispatch('saveDraft', { name: 'lobby invites', kind: 'invite.send', fields }),
      await studio.dispatch('saveDraft', { name: 'half done', kind: 'invite.send', fields: { ...fields, titleId: '' } }),
    ]);
    expect(good.ok && bad.ok).toBe(true);

    const listed = await cli(['draft', 'list']);
    expect(listed.stdout).toContain('lobby invites');
    const incomplete = await send(['draft', 'send', 'half done']);
    expect(incomplete.code).toBe(3);
    expect(incomplete.stderr).toContain('Draft "half done" cannot be sent yet: titleId: Title id is required');
    expect(world.mpsd.stats().requests).toBe(0);

    const run = await send(['draft', 'send', 'lobby invites', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { invitees: unknown[] }).invitees).toMatchObject([
      { invitedXuid: alice, label: 'Alice', state: 'sent' },
    ]);
    expect(world.mpsd.invites().map((invite) => invite.invitedXuid)).toEqual([alice]);
  });

  it('profile remove refuses without --yes and names an unknown profile', async (context) => {
    await addLocalProfile();
    const unconfirmed = await cli(['profile', 'remove', 'local']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('add --yes to confirm');
    const unknown = await cli(['invite', 'send', ...session('x'), '--title-id', '1', '--to', alice, '--profile', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('There is no profile named "nope"');
    const removed = await cli(['profile', 'remove', 'local', '--yes']);
    skipWithoutKeychain(removed, context);
    expect(removed.code, removed.stderr).toBe(0);
  });
});
