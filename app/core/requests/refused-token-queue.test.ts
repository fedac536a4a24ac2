/**
 * A send that may be queued (the app's default, the CLI's `--queue`) meeting a token MPSD
 * refuses (401): MPSD did not act on it, so it waits in the outbox, paused until the token is
 * replaced, instead of failing. The whole core with real parts: the local MPSD (it answers 401
 * to a token it never issued), the outbox and history in a temp folder, the real credentials
 * service over a file vault (the refusal is kept with the token there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../../emulator/index.ts';
import type { HandleStudio } from '../handle-studio.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from './file-vault.fixture.ts';

const SCID = '00000000-0000-0000-0000-00000000c0de';
/** Well-formed, but never issued by the local MPSD: it answers 401 (a pasted token cannot be renewed). */
const REFUSED_AUTHORIZATION = `XBL3.0 x=1234567890123456789;${'A'.repeat(64)}`;

let dir: string;
let mpsd: LocalMpsd;
let studio: HandleStudio;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-refused-queue-'));
  mpsd = await startLocalMpsd({ users: 4, rateLimits: false });
  const vault = fileVault(join(dir, 'test-vault.json'));
  studio = await openTestStudio(dir, vault);
});

afterEach(async () => {
  await studio.close();
  await mpsd.stop();
  rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks from the answer
async function call<T = any>(channel: string, input: unknown): Promise<T> {
  const result = await studio.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function refusedProfile(name: string): Promise<string> {
  const profile = await call<{ id: string }>('saveProfile', { name, environment: 'local', endpoint: mpsd.url, sandboxId: 'XDKS.1' });
  await call('pasteToken', { profileId: profile.id, authorization: REFUSED_AUTHORIZATION });
  return profile.id;
}

const invite = (invitedXuids: string[]) => ({
  kind: 'invite.send',
  sessionRef: { scid: SCID, templateName: 'GameSession', name: 'refused' },
  invitedXuids,
  titleId: '1234',
});
const activity = { kind: 'activity.set', sessionRef: { scid: SCID, templateName: 'GameSession', name: 'refused' } };

/** An explicit flush; the background flusher (poked when a token changes) may be running one, so wait for it. */
async function flushWhenFree(): Promise<{ sent: number; failed: number; outcomeUnknown: number; counts: Record<string, number> }> {
  for (;;) {
    const result = await studio.dispatch('flushOutbox', {});
    if (result.ok) return result.value as Awaited<ReturnType<typeof flushWhenFree>>;
    if (result.error.code !== 'CONFLICT') throw new Error(`flushOutbox: ${result.error.message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const queuedItems = async () =>
  (await call<{ items: { state: string; origin: string; kind: string; invitedXuid?: string }[] }>('listOutbox', {})).items;

it('invites refused with a 401 are queued (paused), the profile is marked refused, and the next send queues without calling MPSD', async () => {
  const profileId = await refusedProfile('Refused');
  const [alice, bob, carol] = mpsd.users.slice(1).map((user) => user.xuid);

  const first = await call('sendRequest', { runId: 'r1', profileId, request: invite([alice!, bob!]) });
  expect(first).toMatchObject({ outcome: 'queued', queued: 2, error: { code: 'UNAUTHORIZED' } });
  expect(first.error.message).toMatch(/Queued in the outbox/);
  // One call reached MPSD (the 401); the fan-out stopped there instead of spending the rest.
  expect(mpsd.stats().requests).toBe(1);
  expect(mpsd.invites()).toHaveLength(0);
  expect((await queuedItems()).map((item) => [item.invitedXuid, item.state, item.origin])).toEqual([
    [alice, 'queued', 'queued'],
    [bob, 'queued', 'queued'],
  ]);
  expect(await call('getTokenState', { profileId })).toMatchObject({ state: 'refused' });

  // Refused now: the next send is queued before any network call.
  const second = await call('sendRequest', { runId: 'r2', profileId, request: invite([carol!]) });
  expect(second).toMatchObject({ outcome: 'queued', queued: 1, error: { code: 'UNAUTHORIZED' } });
  expect(mpsd.stats().requests).toBe(1);

  // A flush waits for a new token without calling MPSD either: paused, not failed.
  const paused = await flushWhenFree();
  expect(paused).toMatchObject({ sent: 0, failed: 0, outcomeUnknown: 0 });
  expect(paused.counts).toMatchObject({ queued: 3, failed: 0 });
  expect(mpsd.stats().requests).toBe(1);

  // A fresh token is what they waited for: the outbox sends them by itself, once each.
  await call('pasteToken', { profileId, authorization: mpsd.users[0]!.authorization });
  await expect.poll(async () => (await call('listOutbox', {})).counts.sent, { timeout: 20_000 }).toBe(3);
  expect(mpsd.invites().map((sent) => sent.invitedXuid)).toEqual([alice, bob, carol]);
});

it('a single call refused with a 401 is queued when asked, and fails without queueing when not', async () => {
  const profileId = await refusedProfile('Refused single');
  const notAsked = await call('sendRequest', { runId: 'r1', profileId, request: activity, queueIfUnavailable: false });
  expect(notAsked).toMatchObject({ outcome: 'failed', queued: 0, error: { code: 'UNAUTHORIZED' } });
  expect(await queuedItems()).toEqual([]);

  // A second profile with the same refused token, so this one reaches MPSD and meets its 401 there.
  const other = await refusedProfile('Refused single 2');
  const reached = mpsd.stats().requests;
  const asked = await call('sendRequest', { runId: 'r2', profileId: other, request: activity });
  expect(mpsd.stats().requests).toBe(reached + 1);
  expect(asked).toMatchObject({ outcome: 'queued', queued: 1, error: { code: 'UNAUTHORIZED' } });
  expect((await queuedItems()).map((item) => [item.kind, item.state, item.origin])).toEqual([['activity.set', 'queued', 'queued']]);
});
