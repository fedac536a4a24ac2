/**
 * `kill -9` of the CLI's ad-hoc send (XBL_AUTHORIZATION, no profile: the flow of the README's
 * examples and of CI) while MPSD has acted on the 3rd invite and its answer is still on the way.
 * The invite in flight must not vanish: the next CLI command lists it in History as outcome
 * unknown and in the Outbox, no flush ever sends it (it has no token to go with), the user cannot
 * requeue it, only dismiss it, and MPSD saw every invite once.
 * Real parts: `bin/handle-studio.js` as a child process killed with SIGKILL, the local MPSD behind
 * a loopback proxy that passes the 3rd POST on and holds its answer, the data folder's SQLite files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdUser } from '../emulator/index.ts';
import { INTERRUPTED_MESSAGE } from '../core/outbox/interrupted-history.ts';
import { openTestStudio } from '../core/test-studio.fixture.ts';
import { exited, runCli, startCli } from './cli-process.fixture.ts';

const SCID = '00000000-0000-0000-0000-00000000c0de';
const HELD_POST = 3;

let dir: string;
let mpsd: LocalMpsd | null = null;
let proxy: Server | null = null;
const held: ServerResponse[] = [];
let child: ReturnType<typeof startCli> | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const response of held.splice(0)) response.destroy();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await mpsd?.stop();
  rmSync(dir, { recursive: true, force: true });
  proxy = mpsd = child = null;
});

/** Passes every call on to `target`; the answer to POST number `hold` is kept from the caller (MPSD has acted on it). */
async function proxyHoldingPost(target: string, hold: number): Promise<{ url: string; heldOne: Promise<void> }> {
  let posts = 0;
  let markHeld: () => void = () => {};
  const heldOne = new Promise<void>((resolve) => (markHeld = resolve));
  proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const holding = incoming.method === 'POST' && ++posts === hold;
      const url = new URL(incoming.url ?? '/', target);
      const forwarded = httpRequest(url, { method: incoming.method, headers: { ...incoming.headers, host: url.host } }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          if (holding) {
            held.push(outgoing);
            markHeld();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
        });
      });
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`, heldOne };
}

async function cliJson<T>(args: string[]): Promise<T> {
  const run = await runCli(dir, [...args, '--json']);
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as T;
}

interface Row {
  invitedXuid?: string;
  outcome: string;
  profileName: string;
  errorCode?: string;
  errorMessage?: string;
}
interface Item {
  id: string;
  invitedXuid?: string;
  state: string;
  profileName?: string;
  profileMissing?: boolean;
}

it('kill -9 of an XBL_AUTHORIZATION invite send: the invite in flight is outcome unknown in History and the Outbox, never sent again', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-adhoc-kill-'));
  mpsd = await startLocalMpsd({ users: 9, rateLimits: false });
  const sender = mpsd.users[0]!;
  const invitees = mpsd.users.slice(1).map((user) => user.xuid);
  const { url, heldOne } = await proxyHoldingPost(mpsd.url, HELD_POST);

  const to = invitees.flatMap((xuid) => ['--to', xuid]);
  child = startCli(
    dir,
    ['invite', 'send', '--scid', SCID, '--template', 'GameSession', '--session', 's', '--title-id', '1', ...to, '--endpoint', url],
    { env: { XBL_AUTHORIZATION: sender.authorization } },
  );
  child.stdout.resume();
  child.stderr.resume();
  // MPSD has acted on the 3rd invite and its answer is held: the kill lands with it in flight.
  await heldOne;
  expect(mpsd.invites().map((invite) => invite.invitedXuid)).toEqual(invitees.slice(0, HELD_POST));
  child.kill('SIGKILL');
  await exited(child);
  const inFlight = invitees[HELD_POST - 1]!;

  // The first command to open the data folder says so, and lists it.
  const first = await runCli(dir, ['history', '--kind', 'invite.send', '--json']);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toContain('1 outbox item(s) were being sent when Handle Studio stopped');
  const { entries } = JSON.parse(first.stdout) as { entries: Row[] };
  expect(entries.map((row) => [row.invitedXuid, row.outcome, row.profileName]).sort()).toEqual(
    [
      [invitees[0], 'ok', 'XBL_AUTHORIZATION'],
      [invitees[1], 'ok', 'XBL_AUTHORIZATION'],
      [inFlight, 'outcome-unknown', 'XBL_AUTHORIZATION'],
    ].sort(),
  );
  const found = await cliJson<{ entries: Row[] }>(['history', '--search', inFlight]);
  expect(found.entries.map((row) => [row.errorCode, row.errorMessage])).toEqual([['OUTCOME_UNKNOWN', INTERRUPTED_MESSAGE]]);

  const listed = await cliJson<{ items: Item[] }>(['outbox', 'list']);
  // The answered invites keep their journal rows as the dead process left them ('sent'), as a profile's do.
  expect(listed.items.map((item) => [item.invitedXuid, item.state, item.profileName, item.profileMissing])).toEqual([
    [invitees[0], 'sent', 'XBL_AUTHORIZATION (no profile)', undefined],
    [invitees[1], 'sent', 'XBL_AUTHORIZATION (no profile)', undefined],
    [inFlight, 'outcome-unknown', 'XBL_AUTHORIZATION (no profile)', undefined],
  ]);
  const unknown = listed.items[2]!;
  const words = await runCli(dir, ['outbox', 'list']);
  expect(words.stdout).toContain(`to ${inFlight}  as "XBL_AUTHORIZATION (no profile)"`);

  const flushed = await cliJson<{ attempted: number }>(['outbox', 'flush']);
  expect(flushed.attempted).toBe(0);
  // The app's Requeue cannot put it back in the queue either: no token of it is stored.
  const studio = await openTestStudio(dir);
  try {
    const requeued = await studio.dispatch('requeueOutboxItem', { id: unknown.id });
    expect(requeued).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('XBL_AUTHORIZATION (no profile)') },
    });
  } finally {
    await studio.close();
  }

  // Each invitee reached MPSD at most once: the three before the kill, nothing after it.
  expect(mpsd.invites().map((invite) => invite.invitedXuid)).toEqual(invitees.slice(0, HELD_POST));

  const dismissed = await runCli(dir, ['outbox', 'dismiss', unknown.id]);
  expect(dismissed.code, dismissed.stderr).toBe(0);
  expect((await cliJson<{ items: Item[] }>(['outbox', 'list'])).items.map((item) => item.state)).toEqual(['sent', 'sent']);
}, 90_000);

it('kill -9 of an XBL_AUTHORIZATION MPA invite call: the call in flight is outcome unknown in History and the Outbox, never sent again', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-adhoc-kill-mpa-'));
  mpsd = await startLocalMpsd({ users: 3, rateLimits: false });
  const [sender, first, second] = mpsd.users as [LocalMpsdUser, LocalMpsdUser, LocalMpsdUser];
  // MPA takes every invitee in one call: the first POST is the one held.
  const { url, heldOne } = await proxyHoldingPost(mpsd.url, 1);
  const args = ['mpa', 'invite', 'send', '--title', '1234', '--xuid', sender.xuid, '--to', first.xuid, '--to', second.xuid];
  child = startCli(dir, [...args, '--connection', 'lobby:1', '--endpoint', url], { env: { XBL_AUTHORIZATION: sender.authorization } });
  child.stdout.resume();
  child.stderr.resume();
  await heldOne;
  const reached = () => mpsd!.mpa().invites.map((invite) => invite.invitedUser);
  expect(reached()).toEqual([first.xuid, second.xuid]);
  child.kill('SIGKILL');
  await exited(child);

  const found = await runCli(dir, ['history', '--kind', 'mpa.invite.send', '--json']);
  expect(found.code, found.stderr).toBe(0);
  expect(found.stderr).toContain('1 outbox item(s) were being sent when Handle Studio stopped');
  const { entries } = JSON.parse(found.stdout) as { entries: Row[] };
  expect(entries.map((row) => [row.outcome, row.profileName, row.errorCode])).toEqual([
    ['outcome-unknown', 'XBL_AUTHORIZATION', 'OUTCOME_UNKNOWN'],
  ]);
  const listed = await cliJson<{ items: Item[] }>(['outbox', 'list']);
  expect(listed.items.map((item) => [item.state, item.profileName])).toEqual([['outcome-unknown', 'XBL_AUTHORIZATION (no profile)']]);
  expect((await cliJson<{ attempted: number }>(['outbox', 'flush'])).attempted).toBe(0);
  // One call reached MPA, and nothing after the kill.
  expect(reached()).toEqual([first.xuid, second.xuid]);
}, 90_000);
