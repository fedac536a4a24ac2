/**
 * Handle Studio as the app runs it: an MPA invite call made while the profile has no token
 * waits in the outbox, and the background flusher sends it (once) when a token is pasted;
 * History then holds one row for it, naming each invitee.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdUser } from '../../emulator/index.ts';
import { systemClock } from '../clock.ts';
import { createHandleStudio, type HandleStudio } from '../handle-studio.ts';
import { fileVault } from '../requests/file-vault.fixture.ts';

let dir: string;
let mpsd: LocalMpsd | null = null;
let studio: HandleStudio | null = null;

afterEach(async () => {
  await studio?.close();
  await mpsd?.stop();
  rmSync(dir, { recursive: true, force: true });
  studio = mpsd = null;
});

async function call<T>(channel: string, input: unknown): Promise<T> {
  if (studio === null) throw new Error('Handle Studio is not open.');
  const result = await studio.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

it('an MPA invite queued for want of a token goes out once, by itself, when the token is pasted', async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpa-flush-'));
  const local = await startLocalMpsd({ users: 3, rateLimits: false });
  mpsd = local;
  const [sender, first, second] = local.users as [LocalMpsdUser, LocalMpsdUser, LocalMpsdUser];
  studio = await createHandleStudio({
    dataDir: dir,
    shell: 'browser',
    version: 'test',
    fetch: globalThis.fetch,
    clock: systemClock,
    openKeychain: async () => fileVault(join(dir, 'test-vault.json')),
    // Only the poke of a pasted token may send it within this test's time, not a timer tick.
    outboxRetryIntervalMs: 3_600_000,
  });
  const profile = await call<{ id: string }>('saveProfile', {
    name: 'MPA box',
    environment: 'local',
    endpoint: local.url,
    sandboxId: 'XDKS.1',
  });
  const request = { kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [first.xuid, second.xuid] };

  const result = await studio.sendMpa({ request, profileId: profile.id });
  expect(result).toMatchObject({ queued: 1, error: { code: 'NO_CREDENTIALS' } });
  expect(result.invitees?.map((invitee) => invitee.outcome)).toEqual(['queued', 'queued']);
  expect(await call('listOutbox', {})).toMatchObject({ counts: { queued: 1 }, items: [{ kind: 'mpa.invite.send', state: 'queued' }] });

  await call('pasteToken', { profileId: profile.id, authorization: sender.authorization });
  await expect.poll(() => local.mpa().invites.length, { timeout: 30_000, interval: 20 }).toBe(2);
  // Settled, after history has its row: 'sent'. ('queued' alone ends as the call leaves.)
  await expect
    .poll(async () => (await call<{ counts: { queued: number; sent: number } }>('listOutbox', {})).counts, {
      timeout: 30_000,
      interval: 20,
    })
    .toMatchObject({ queued: 0, sent: 1 });
  const { entries } = await call<{ entries: Array<{ kind: string; outcome: string; invitedXuids?: string[] }> }>('listHistory', {
    limit: 10,
  });
  expect(entries).toEqual([expect.objectContaining({ kind: 'mpa.invite.send', outcome: 'ok', invitedXuids: [first.xuid, second.xuid] })]);
  expect(local.mpa().invites.map((invite) => [invite.sender, invite.invitedUser])).toEqual([
    [sender.xuid, first.xuid],
    [sender.xuid, second.xuid],
  ]);
}, 60_000);
