/**
 * The real CLI as a child process: a send without `--queue` never lands in the outbox (it
 * fails with the exit code a script branches on), the hint after `--queue` is a command that
 * works, and Ctrl+C (a real SIGINT) stops an `outbox flush` waiting out a Retry-After.
 * Profiles keep tokens in the OS keychain: run under a Secret Service (see the working rules).
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startScriptedMpsd, type ScriptedMpsd } from '../core/mpsd/scripted-mpsd.fixture.ts';
import { exited, startCli } from './cli-process.fixture.ts';
import { sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const AUTH = 'XBL3.0 x=998877;eyJ.send-queue-cli-secret';
const invite = ['invite', 'send', ...sessionFlags('lobby-3'), '--title-id', '1234', '--to', '2814660000000002', '--to', '2814660000000003'];

const world = useCliWorld();
const { cli, addProfile } = world;
let mpsd: ScriptedMpsd | undefined;

afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function outboxItems(): Promise<{ state: string; invitedXuid?: string }[]> {
  const listed = await cli(['outbox', 'list', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { items: { state: string; invitedXuid?: string }[] }).items;
}

it(
  'without --queue: no token exits 4, an unreachable MPSD exits 6, and nothing is queued for later',
  { timeout: 240_000 },
  async (context) => {
    await addProfile('offline', await closedPortUrl());

    const noToken = await cli([...invite, '--profile', 'offline']);
    expect(noToken.code, noToken.stderr).toBe(4);
    expect(noToken.stdout).not.toMatch(/Queued/);
    expect(await outboxItems()).toEqual([]);

    await world.storeToken('offline', { authorization: AUTH, skip: (reason) => context.skip(reason) });
    const unreachable = await cli([...invite, '--profile', 'offline', '--json']);
    expect(unreachable.code, unreachable.stderr).toBe(6);
    expect(JSON.parse(unreachable.stdout)).toMatchObject({ ok: false, queued: 0 });
    expect(await outboxItems()).toEqual([]);
  },
);

it('with --queue it exits 0 and the hint it prints is a command that runs', { timeout: 240_000 }, async () => {
  await addProfile('later', await closedPortUrl());
  const queued = await cli([...invite, '--profile', 'later', '--queue']);
  expect(queued.code, queued.stderr).toBe(0);
  expect(queued.stdout).toMatch(/Queued 2 requests in the outbox/);
  const hint = /`handle-studio ([^`]+)`/.exec(queued.stdout)?.[1];
  expect(hint).toBe('outbox flush');
  const flush = await cli(hint!.split(' '));
  // Still no token: the items wait (6), the command itself is understood (not 2).
  expect(flush.code, flush.stderr).toBe(6);
  expect((await outboxItems()).map((item) => item.state)).toEqual(['queued', 'queued']);
});

it(
  'Ctrl+C (SIGINT) stops an outbox flush waiting out a Retry-After: exit 130, the item still queued',
  { timeout: 240_000 },
  async (context) => {
    mpsd = await startScriptedMpsd(() => ({ status: 429, headers: { 'Retry-After': '50' } }));
    await addProfile('busy', mpsd.url);
    const queued = await cli([...invite.slice(0, -2), '--profile', 'busy', '--queue']);
    expect(queued.code, queued.stderr).toBe(0);
    await world.storeToken('busy', { authorization: AUTH, skip: (reason) => context.skip(reason) });

    const flush = startCli(world.dataDir, ['outbox', 'flush']);
    let stderr = '';
    flush.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // The deadline is the test's own: on 2 busy cores the child alone can take 10 s to start and call.
    // Only MPSD's paths count: a pasted token on a loopback endpoint also asks the local MPSD's
    // user list (`/_emulator/users`) for its XUID.
    const invites = () => mpsd!.calls.filter((arrived) => arrived.path === '/handles');
    await expect.poll(() => invites().length, { timeout: 200_000, interval: 20 }).toBe(1);
    flush.kill('SIGINT');
    expect(await exited(flush), stderr).toBe(130);
    expect(stderr).toMatch(/cancelled/);
    expect(invites()).toHaveLength(1);
    expect((await outboxItems()).map((item) => item.state)).toEqual(['queued']);
  },
);
