/**
 * `kill -9` in the middle of a fan-out of invites, then a restart: no invite reaches MPSD
 * twice (counted by the local MPSD), and every invitee's outbox state says what happened:
 * the invite in flight is "outcome unknown", the ones not yet sent go out after the restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../../emulator/index.ts';
import { systemClock } from '../clock.ts';
import { createHandleStudio, type HandleStudio } from '../handle-studio.ts';
import { fileVault } from './file-vault.fixture.ts';

const NODE = process.execPath;
const CHILD = fileURLToPath(new URL('./fan-out-child.fixture.ts', import.meta.url));
const SCID = '00000000-0000-0000-0000-00000000c0de';

let dir: string;
let mpsd: LocalMpsd | null = null;
let studio: HandleStudio | null = null;
let child: ChildProcess | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await studio?.close();
  await mpsd?.stop();
  rmSync(dir, { recursive: true, force: true });
  studio = mpsd = child = null;
});

async function openStudio(vaultFile: string): Promise<HandleStudio> {
  const vault = fileVault(vaultFile);
  return createHandleStudio({ dataDir: dir, shell: 'browser', version: 'test', fetch: globalThis.fetch, clock: systemClock, openKeychain: async () => vault, outboxRetryIntervalMs: 100 });
}

async function call<T = any>(channel: string, input: unknown): Promise<T> {
  const result = await studio!.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

it('kill -9 during a fan-out: nothing is sent twice and every invitee says what happened', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-fanout-kill-'));
  const vaultFile = join(dir, 'test-vault.json');
  mpsd = await startLocalMpsd({ users: 13, rateLimits: false });
  const sender = mpsd.users[0]!;
  const invitees = mpsd.users.slice(1).map((user) => user.xuid);

  studio = await openStudio(vaultFile);
  const profile = await call('saveProfile', { name: 'Local', environment: 'local', endpoint: mpsd.url, sandboxId: 'XDKS.1' });
  await call('pasteToken', { profileId: profile.id, authorization: sender.authorization });
  await studio.close();
  studio = null;

  // Each invite takes a while to answer, so the kill lands with some in flight and some not yet sent.
  mpsd.faults.set({ kind: 'latency', ms: 400 });
  const request = { kind: 'invite.send', sessionRef: { scid: SCID, templateName: 'GameSession', name: 'crash' }, invitedXuids: invitees, titleId: '1234' };
  child = spawn(NODE, [CHILD, dir, vaultFile, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await expect.poll(() => mpsd!.stats().requests, { timeout: 15_000, interval: 20 }).toBeGreaterThanOrEqual(5);
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  mpsd.faults.clear();

  // Restart: the outbox finds the interrupted invites and sends the rest by itself.
  studio = await openStudio(vaultFile);
  // Settled: nothing waiting and nothing in flight.
  await expect
    .poll(async () => {
      const { counts } = await call('listOutbox', {});
      return counts.queued + counts.sending;
    }, { timeout: 15_000, interval: 100 })
    .toBe(0);
  const { items } = await call<{ items: Array<{ invitedXuid: string; state: string }> }>('listOutbox', {});

  const received = new Map<string, number>();
  for (const invite of mpsd.invites()) received.set(invite.invitedXuid, (received.get(invite.invitedXuid) ?? 0) + 1);
  for (const xuid of invitees) {
    expect(received.get(xuid) ?? 0, `invitee ${xuid} was invited more than once`).toBeLessThanOrEqual(1);
    const item = items.find((candidate) => candidate.invitedXuid === xuid);
    expect(item, `invitee ${xuid} has no outbox item`).toBeDefined();
    if (item!.state === 'sent') expect(received.get(xuid)).toBe(1);
    else expect(item!.state).toBe('outcome-unknown');
  }
  const unknown = items.filter((item) => item.state === 'outcome-unknown');
  expect(unknown.length).toBeGreaterThan(0);
  expect(items.filter((item) => item.state === 'sent').length).toBeGreaterThan(0);
});
