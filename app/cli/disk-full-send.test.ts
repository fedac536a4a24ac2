/**
 * The disk fills in the middle of a live fan-out (a real, size-limited tmpfs as the data
 * folder, filled by this test while the CLI is sending): the CLI must exit 7 with one line per
 * invitee, every delivered invite recorded in history or shown on screen with its handle id,
 * and nothing must go out later. Mounting needs root; elsewhere the test skips and says why.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../emulator/index.ts';
import { exited, runCli, startCli, type CliRun } from './cli-process.fixture.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const session = ['--scid', SCID, '--template', 'GameSession', '--session', 'disk-full'];

let mountPoint: string | undefined;
let mpsd: LocalMpsd | undefined;

afterEach(async () => {
  await mpsd?.stop();
  mpsd = undefined;
  if (mountPoint) {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
    mountPoint = undefined;
  }
});

/** Appends to a file until the filesystem refuses: the disk is full. */
function fillDisk(path: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (;;) {
    try {
      appendFileSync(path, chunk);
    } catch (thrown) {
      if ((thrown as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw thrown;
    }
  }
}

it(
  'disk full mid fan-out: exit 7, one line per invitee, every delivered invite in history or on screen, nothing sent later',
  { timeout: 240_000 },
  async (context) => {
    mountPoint = mkdtempSync(join(tmpdir(), 'hs-full-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
      mountPoint = undefined;
      context.skip('Mounting a small tmpfs (to fill a real disk) needs root here.');
    }
    const dataDir = join(mountPoint!, 'data');
    mpsd = await startLocalMpsd({ users: 11, rateLimits: false, allowedScids: [SCID] });
    const [me, ...others] = mpsd.users;
    const cli = (args: string[], stdin?: string): Promise<CliRun> => runCli(dataDir, args, stdin === undefined ? {} : { stdin });

    expect((await cli(['profile', 'add', 'local', '--endpoint', mpsd.url, '--sandbox', 'XDKS.1'])).code).toBe(0);
    const stored = await cli(['profile', 'set-token', 'local'], me!.authorization);
    if (stored.code === 4 && stored.stderr.includes('KEYCHAIN_UNAVAILABLE'))
      context.skip('No OS keychain reachable here for the profile token.');
    try {
      expect(stored.code, stored.stderr).toBe(0);
      expect((await cli(['session', 'join', ...session, '--xuid', me!.xuid, '--profile', 'local'])).code).toBe(0);

      // Each invite takes a while, so the disk fills with some invites delivered and some not yet sent.
      mpsd.faults.set({ kind: 'latency', ms: 300 });
      const send = startCli(dataDir, [
        'invite',
        'send',
        ...session,
        '--title-id',
        '1234',
        ...others.flatMap((user) => ['--to', user.xuid]),
        '--profile',
        'local',
      ]);
      let stdout = '';
      let stderr = '';
      send.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      send.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      // The deadline is the test's own: on 2 busy cores the child alone can take 30 s to start and send 3.
      await expect.poll(() => mpsd!.invites().length, { timeout: 200_000, interval: 10 }).toBeGreaterThanOrEqual(3);
      fillDisk(join(mountPoint!, 'filler'));
      const code = await exited(send);
      mpsd.faults.clear();

      expect(code, stderr).toBe(7);
      // In words, with the fix: never SQLite's bare "Unexpected error" or an INTERNAL code.
      expect(stderr).toMatch(/Warning: STORAGE: .*is full: free some space/);
      expect(`${stdout}${stderr}`).not.toMatch(/Unexpected error|INTERNAL/);
      const delivered = mpsd.invites();
      expect(delivered.length).toBeLessThan(others.length);
      // One line per invitee, in order, each with its state.
      const lines = stdout.split('\n').filter((line) => /^(sent|failed|outcome-unknown|not-attempted|queued)\s/.test(line));
      expect(lines.map((line) => line.split(/\s+/)[1])).toEqual(others.map((user) => user.xuid));

      // Space again: what the user can find afterwards.
      unlinkSync(join(mountPoint!, 'filler'));
      const history = await cli(['history', '--kind', 'invite.send', '--json']);
      expect(history.code, history.stderr).toBe(0);
      const recorded = new Set((JSON.parse(history.stdout) as { entries: { handleId?: string }[] }).entries.map((entry) => entry.handleId));
      for (const invite of delivered) {
        const onScreen = lines.some((line) => line.startsWith('sent') && line.includes(invite.id));
        expect(recorded.has(invite.id) || onScreen, `delivered invite ${invite.id} is neither in history nor on screen`).toBe(true);
      }
      const flush = await cli(['outbox', 'flush', '--json']);
      expect(JSON.parse(flush.stdout)).toMatchObject({ attempted: 0 });
      const perInvitee = new Map<string, number>();
      for (const invite of mpsd.invites()) perInvitee.set(invite.invitedXuid, (perInvitee.get(invite.invitedXuid) ?? 0) + 1);
      expect([...perInvitee.values()].every((count) => count === 1)).toBe(true);
      expect(mpsd.invites()).toHaveLength(delivered.length);
    } finally {
      await cli(['profile', 'remove', 'local', '--yes']);
    }
  },
);
