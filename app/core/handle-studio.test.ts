/**
 * The whole core through its dispatcher, as the renderer and the CLI use it, against the real
 * local MPSD over loopback: profile + pasted token, join and set an activity, invite three
 * people, history; then the local MPSD goes away, the invites wait in the outbox, and when it
 * comes back (same port, same seed, so the pasted token is still good) the outbox delivers
 * each invite exactly once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../emulator/index.ts';
import { systemClock } from './clock.ts';
import { MemoryVault } from './credentials/memory-vault.ts';
import { createHandleStudio, type HandleStudio } from './handle-studio.ts';

const SCID = '00000000-0000-0000-0000-0000abcdef01';
const SEED = 'handle-studio-core-test';

let dataDir: string;
let mpsd: LocalMpsd | null = null;
let studio: HandleStudio | null = null;
const vault = new MemoryVault();

afterEach(async () => {
  await studio?.close();
  await mpsd?.stop();
  studio = null;
  mpsd = null;
  rmSync(dataDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks from the answer
async function call<T = any>(channel: string, input: unknown): Promise<T> {
  const result = await studio!.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function open(): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'handle-studio-core-'));
  mpsd = await startLocalMpsd({ seed: SEED });
  studio = await createHandleStudio({
    dataDir,
    shell: 'browser',
    version: 'test',
    fetch: globalThis.fetch,
    clock: systemClock,
    openKeychain: async () => vault,
    outboxRetryIntervalMs: 200,
  });
  const profile = await call('saveProfile', { name: 'Local MPSD', environment: 'local', endpoint: mpsd.url, sandboxId: 'XDKS.1' });
  await call('activateProfile', { profileId: profile.id });
  await call('pasteToken', { profileId: profile.id, authorization: mpsd.users[0]!.authorization });
}

describe('Handle Studio core', () => {
  it('joins a session, sets the activity and invites three people, keeping each call in history', async () => {
    await open();
    const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'lobby-1' };
    const me = mpsd!.users[0]!;

    const join = await call('sendRequest', { runId: 'run-join', request: { kind: 'session.join', sessionRef, xuid: me.xuid } });
    expect(join.outcome).toBe('completed');
    const activity = await call('sendRequest', { runId: 'run-activity', request: { kind: 'activity.set', sessionRef } });
    expect(activity.outcome).toBe('completed');
    expect(activity.exchanges[0].request.headers['Authorization']).toBe('XBL3.0 x=<uhs>;<token>');

    const invitees = mpsd!.users.slice(1).map((user) => user.xuid);
    const invite = await call('sendRequest', {
      runId: 'run-invite',
      request: { kind: 'invite.send', sessionRef, invitedXuids: invitees, titleId: '0x4D2' },
      recipientLabels: { [invitees[0]!]: 'Tester Two' },
    });
    expect(invite.outcome).toBe('completed');
    expect(invite.invitees.map((result: { state: string }) => result.state)).toEqual(['sent', 'sent', 'sent']);
    expect(
      mpsd!
        .invites()
        .map((record) => record.invitedXuid)
        .sort(),
    ).toEqual([...invitees].sort());

    const page = await call('listHistory', { limit: 10 });
    expect(page.entries).toHaveLength(5);
    const labelled = await call('listHistory', { search: 'Tester Two', limit: 10 });
    expect(labelled.entries).toHaveLength(1);
    expect(labelled.entries[0].handleId).toBe(invite.invitees[0].handleId);
  });

  it('queues invites while the local MPSD is down and delivers each exactly once when it is back', async () => {
    await open();
    const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'lobby-2' };
    const invitees = mpsd!.users.slice(1).map((user) => user.xuid);
    const url = new URL(mpsd!.url);
    await mpsd!.stop();
    mpsd = null;

    const offline = await call('sendRequest', {
      runId: 'run-offline',
      request: { kind: 'invite.send', sessionRef, invitedXuids: invitees, titleId: '1234' },
    });
    expect(offline.outcome).toBe('queued');
    expect(offline.queued).toBe(3);
    expect((await call('listOutbox', {})).counts.queued).toBe(3);

    mpsd = await startLocalMpsd({ seed: SEED, port: Number(url.port) });
    await expect.poll(async () => (await call('listOutbox', {})).counts.sent, { timeout: 15_000, interval: 200 }).toBe(3);
    expect(
      mpsd
        .invites()
        .map((record) => record.invitedXuid)
        .sort(),
    ).toEqual([...invitees].sort());
  });

  it('queues a send when the profile has no token, and fails it when the user did not ask to queue', async () => {
    await open();
    const { profiles } = await call('listProfiles', {});
    await call('signOut', { profileId: profiles[0].id });
    const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'lobby-4' };
    const request = { kind: 'invite.send', sessionRef, invitedXuids: [mpsd!.users[1]!.xuid], titleId: '1234' };

    const refused = await call('sendRequest', { runId: 'run-no-token', request, queueIfUnavailable: false });
    expect(refused).toMatchObject({ outcome: 'failed', queued: 0, error: { code: 'NO_CREDENTIALS' } });
    expect((await call('listOutbox', {})).counts.queued).toBe(0);

    const held = await call('sendRequest', { runId: 'run-no-token-queued', request });
    expect(held).toMatchObject({ outcome: 'queued', queued: 1 });
    expect(held.invitees[0].state).toBe('queued');
    expect(mpsd!.stats().requests).toBe(0);
  });

  it('leaves nothing behind in the outbox for invites that were answered, refused or cancelled', async () => {
    await open();
    const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'lobby-5' };
    // The local MPSD answers the second invite with a 500 once (outcome unknown: it may have been written); the rest succeed.
    mpsd!.faults.set({ kind: 'status', status: 500, count: 1, pathPattern: '^/handles$' });
    const invitees = mpsd!.users.slice(1).map((user) => user.xuid);
    const result = await call('sendRequest', {
      runId: 'run-mixed',
      request: { kind: 'invite.send', sessionRef, invitedXuids: invitees, titleId: '1234' },
    });
    expect(result.invitees.map((invitee: { state: string }) => invitee.state).sort()).toEqual(['outcome-unknown', 'sent', 'sent']);
    expect(result.outcome).toBe('failed');
    // Only the invite nobody can say was delivered stays, for a person to check: the answered ones leave nothing.
    const left = (await call('listOutbox', {})).items as { state: string; invitedXuid: string }[];
    expect(left.map(({ state, invitedXuid }) => ({ state, invitedXuid }))).toEqual([
      { state: 'outcome-unknown', invitedXuid: invitees[0] },
    ]);
  });

  it('paces each XBL_AUTHORIZATION user on its own budget: one user told to wait a day does not hold up another', async () => {
    await open();
    const [first, second] = mpsd!.users;
    const adHoc = (user: typeof first, name: string) =>
      studio!.sendAdHoc({
        request: { kind: 'session.join', sessionRef: { scid: SCID, templateName: 'GameSession', name }, xuid: user!.xuid },
        endpoint: mpsd!.url,
        contractVersion: 107,
        authorization: { current: async () => user!.authorization, renew: async () => user!.authorization },
      });
    mpsd!.faults.set({ kind: 'status', status: 503, retryAfterSeconds: 86_400, count: 1 });
    const paused = await adHoc(first, 'lobby-6');
    expect(paused.outcome).toBe('failed');
    // The first user's own next call is held until MPSD's time, without a request...
    const before = mpsd!.stats().requests;
    expect((await adHoc(first, 'lobby-7')).error?.details).toHaveProperty('retryAt');
    expect(mpsd!.stats().requests).toBe(before);
    // ...while another user's goes out at once.
    expect((await adHoc(second, 'lobby-8')).outcome).toBe('completed');
  });

  it('never writes the token into the data folder', async () => {
    await open();
    const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'lobby-3' };
    await call('sendRequest', { runId: 'run-secret', request: { kind: 'session.join', sessionRef, xuid: mpsd!.users[0]!.xuid } });
    const token = mpsd!.users[0]!.authorization.split(';')[1]!;
    for (const file of filesUnder(dataDir)) {
      expect(readFileSync(file).includes(token), `${file} holds the token`).toBe(false);
    }
  });
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
