/**
 * MPA through the send path, against the local MPA with real history and outbox files: every
 * call that went out is in history (an invite call is ONE entry naming each invitee), a write
 * that cannot go out now waits in the outbox as ONE item and the outbox's deliver sends it to
 * MPA once the network or a token is back, and no token ever reaches either file.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdUser } from '../../emulator/index.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { systemClock } from '../clock.ts';
import { openHistoryStore, type HistoryStore } from '../history/history-store.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import type { AuthorizationSource } from '../ports.ts';
import { createSendService, type SendService } from '../requests/send-service.ts';
import { storedWireRequestSchema } from '../requests/wire-request-schema.ts';
import { openMpaBudgets, type MpaBudgets } from './mpa-budgets.ts';
import type { MpaSender } from './mpa-sender.ts';
import { deadEndpoint, devProfileSender, fixedAuthorization } from './mpa-sender.fixture.ts';

const TITLE = '1234';
let mpsd: LocalMpsd;
let dir: string;
let history: HistoryStore;
let outbox: OutboxStore;
let budgets: MpaBudgets;
let mpa: MpaSender;
let sendService: SendService;
/** The profile's MPSD endpoint (MPA is on its origin) and token; tests switch them to go offline or lose the token. */
let endpoint: string;
let token: string | undefined;
/** What the token source does when MPA answers 401. */
let renewal: () => Promise<string>;

const user = (index: number) => mpsd.users[index] as LocalMpsdUser;

beforeEach(async () => {
  mpsd = await startLocalMpsd({ users: 3, rateLimits: false });
  dir = mkdtempSync(join(tmpdir(), 'mpa-sender-'));
  history = openHistoryStore({ dataDir: dir });
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  budgets = openMpaBudgets({
    dataDir: dir,
    clock: systemClock,
    onFallback: (message) => {
      throw new Error(message);
    },
  });
  endpoint = mpsd.url;
  token = user(0).authorization;
  renewal = async () => {
    throw new HandleStudioError('UNAUTHORIZED', 'MPA refused the token and it could not be renewed.');
  };
  const authorization: AuthorizationSource = {
    current: async () => {
      if (token === undefined) throw new HandleStudioError('NO_CREDENTIALS', 'No token for this profile: paste one.');
      return token;
    },
    renew: () => renewal(),
  };
  mpa = devProfileSender({ history, outbox, budgets }, () => endpoint, authorization);
  // The outbox's deliver is the send service's: it hands MPA items to MPA.
  sendService = createSendService({
    fetch: globalThis.fetch,
    clock: systemClock,
    history,
    outbox,
    targetForProfile: () => {
      throw new HandleStudioError('NOT_FOUND', 'No MPSD target in these tests.');
    },
    onProgress: () => undefined,
    deliverMpa: mpa.deliver,
  });
});

afterEach(async () => {
  budgets.close();
  outbox.close();
  history.close();
  await mpsd.stop();
  rmSync(dir, { recursive: true, force: true });
});

const activitySet = (connectionString: string) => ({
  kind: 'mpa.activity.set',
  titleId: TITLE,
  xuid: user(0).xuid,
  connectionString,
  joinRestriction: 'Public',
  maxPlayers: 4,
  currentPlayers: 1,
});
const invite = () => ({ kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [user(1).xuid, user(2).xuid], connectionString: 'lobby:1' });
const flush = () => outbox.flush({ deliver: sendService.deliver });
/** The same profile in another (or a restarted) process: it knows none of the sequence numbers taken here. */
const freshSender = () => devProfileSender({ history, outbox, budgets }, () => mpsd.url, fixedAuthorization(user(0).authorization));
const mpaInvites = () => mpsd.mpa().invites;

describe('history', () => {
  it('records each MPA kind as it lands; an invite call is one entry naming each invitee, found by any of them', async () => {
    const sent = [
      await mpa.send({ request: activitySet('lobby:1') }),
      await mpa.send({ request: { kind: 'mpa.activity.get', titleId: TITLE, xuid: user(0).xuid } }),
      await mpa.send({ request: { kind: 'mpa.activity.query', titleId: TITLE, users: [user(0).xuid] } }),
      await mpa.send({ request: invite() }),
      await mpa.send({
        request: { kind: 'mpa.recentPlayers.update', titleId: TITLE, recentPlayers: [{ id: user(1).xuid, encounterType: 'Teammate' }] },
      }),
      await mpa.send({ request: { kind: 'mpa.activity.delete', titleId: TITLE, xuid: user(0).xuid } }),
    ];
    for (const result of sent) expect(result.error, result.request.kind).toBeUndefined();

    const { entries } = history.list({ limit: 50 });
    expect(entries.map((entry) => entry.kind).reverse()).toEqual([
      'mpa.activity.set',
      'mpa.activity.get',
      'mpa.activity.query',
      'mpa.invite.send',
      'mpa.recentPlayers.update',
      'mpa.activity.delete',
    ]);
    for (const entry of entries) expect(entry).toMatchObject({ profileId: 'dev', profileName: 'Dev profile', outcome: 'ok' });
    const inviteRow = entries.find((entry) => entry.kind === 'mpa.invite.send');
    expect(inviteRow).toMatchObject({ invitedXuids: [user(1).xuid, user(2).xuid], url: `${mpsd.url}/titles/${TITLE}/invites` });
    expect(inviteRow?.invitedXuid).toBeUndefined();
    expect(history.list({ limit: 50, search: user(2).xuid }).entries.map((entry) => entry.kind)).toEqual(['mpa.invite.send']);
    expect(history.list({ limit: 50, kinds: ['mpa.activity.set', 'mpa.activity.delete'] }).entries).toHaveLength(2);
    expect(history.get(inviteRow?.id ?? '').request.headers['Authorization']).toBe('XBL3.0 x=<uhs>;<token>');
    // Nothing was left in the outbox: answered calls are history's.
    expect(outbox.list()).toEqual([]);
  });

  it('a refused call is one error row; a read that never left the machine (no token) is not history', async () => {
    const refused = await mpa.send({ request: { ...activitySet('lobby:1'), xuid: user(1).xuid } });
    expect(refused.error?.code).toBe('FORBIDDEN');
    token = undefined;
    const read = await mpa.send({ request: { kind: 'mpa.activity.get', titleId: TITLE, xuid: user(0).xuid } });
    expect(read).toMatchObject({ queued: 0, error: { code: 'NO_CREDENTIALS' } });
    expect(history.list({ limit: 10 }).entries.map((entry) => [entry.kind, entry.outcome, entry.errorCode])).toEqual([
      ['mpa.activity.set', 'error', 'FORBIDDEN'],
    ]);
    expect(outbox.list()).toEqual([]);
  });

  it('with XBL_AUTHORIZATION (no profile): history names the environment as sender, and nothing ever queues', async () => {
    const authorization = fixedAuthorization(user(0).authorization);
    const sent = await mpa.send({ request: invite(), endpoint: mpsd.url, authorization });
    expect(sent.error).toBeUndefined();
    const offline = await mpa.send({ request: invite(), endpoint: await deadEndpoint(), authorization });
    expect(offline).toMatchObject({ queued: 0, error: { code: 'OFFLINE' } });
    expect(outbox.list()).toEqual([]);
    expect(history.list({ limit: 10 }).entries.map((entry) => [entry.profileId, entry.profileName, entry.outcome])).toEqual([
      ['environment', 'XBL_AUTHORIZATION', 'error'],
      ['environment', 'XBL_AUTHORIZATION', 'ok'],
    ]);
  });
});

describe('outbox', () => {
  it('offline: an invite call is ONE queued item listing each invitee as queued, sent once when the network is back', async () => {
    endpoint = await deadEndpoint();
    const result = await mpa.send({ request: invite() });
    expect(result).toMatchObject({ queued: 1, error: { code: 'OFFLINE' } });
    expect(result.error?.message).toMatch(/Queued in the outbox/);
    expect(result.invitees).toEqual([
      { xuid: user(1).xuid, outcome: 'queued' },
      { xuid: user(2).xuid, outcome: 'queued' },
    ]);
    const [item, ...more] = outbox.list();
    expect(more).toEqual([]);
    expect(item).toMatchObject({ kind: 'mpa.invite.send', state: 'queued', origin: 'queued', profileId: 'dev' });
    expect(item?.request).toMatchObject({ path: `/titles/${TITLE}/invites`, body: { invitedUsers: [user(1).xuid, user(2).xuid] } });

    // Still offline: it goes back to the queue, still nothing sent.
    expect(await flush()).toMatchObject({ attempted: 1, retryLater: 1, sent: 0 });
    endpoint = mpsd.url;
    expect(await flush()).toMatchObject({ attempted: 1, sent: 1 });
    expect(mpaInvites().map((sent) => sent.invitedUser)).toEqual([user(1).xuid, user(2).xuid]);
    expect(await flush()).toMatchObject({ attempted: 0 });
    expect(mpaInvites()).toHaveLength(2);

    // History: the live attempt that could not connect, then one row for the delivery listing the earlier
    // attempts that sent it back to the queue (the live one, journaled, and the first flush's).
    const rows = history.list({ limit: 10, kinds: ['mpa.invite.send'] }).entries;
    expect(rows.map((row) => [row.outcome, row.errorCode])).toEqual([
      ['ok', undefined],
      ['error', 'OFFLINE'],
    ]);
    const delivered = history.get(rows[0]?.id ?? '');
    expect(delivered.invitedXuids).toEqual([user(1).xuid, user(2).xuid]);
    expect(delivered.attempts?.map((attempt) => attempt.code)).toEqual(['OFFLINE', 'OFFLINE']);
  });

  it('queues every MPA write kind (not reads) when offline, and delivers each to MPA', async () => {
    endpoint = await deadEndpoint();
    await mpa.send({ request: activitySet('lobby:queued') });
    await mpa.send({
      request: { kind: 'mpa.recentPlayers.update', titleId: TITLE, recentPlayers: [{ id: user(2).xuid, encounterType: 'Opponent' }] },
    });
    const read = await mpa.send({ request: { kind: 'mpa.activity.query', titleId: TITLE, users: [user(0).xuid] } });
    expect(read).toMatchObject({ queued: 0, error: { code: 'OFFLINE' } });
    expect(outbox.list().map((item) => item.kind)).toEqual(['mpa.activity.set', 'mpa.recentPlayers.update']);
    endpoint = mpsd.url;
    expect(await flush()).toMatchObject({ attempted: 2, sent: 2 });
    expect(mpsd.mpa().activities.map((activity) => activity.connectionString)).toEqual(['lobby:queued']);
    expect(mpsd.mpa().recentPlayers[`${user(0).xuid}/${TITLE}`]?.map((player) => player.id)).toEqual([user(2).xuid]);

    endpoint = await deadEndpoint();
    await mpa.send({ request: { kind: 'mpa.activity.delete', titleId: TITLE, xuid: user(0).xuid } });
    endpoint = mpsd.url;
    expect(await flush()).toMatchObject({ attempted: 1, sent: 1 });
    expect(mpsd.mpa().activities).toEqual([]);
  });

  it('queueIfUnavailable false: nothing waits in the outbox', async () => {
    endpoint = await deadEndpoint();
    const result = await mpa.send({ request: invite(), queueIfUnavailable: false });
    expect(result).toMatchObject({ queued: 0, error: { code: 'OFFLINE' } });
    expect(result.invitees?.map((invitee) => invitee.outcome)).toEqual(['not-invited', 'not-invited']);
    expect(outbox.list()).toEqual([]);
  });

  it('no token: queued without a call, paused (no backoff) while the token is missing, sent once it is back', async () => {
    token = undefined;
    const result = await mpa.send({ request: invite() });
    expect(result).toMatchObject({ queued: 1, error: { code: 'NO_CREDENTIALS' } });
    expect(await flush()).toMatchObject({ attempted: 1, retryLater: 1 });
    const [waiting] = outbox.list();
    expect(waiting).toMatchObject({ state: 'queued', attempts: 0, lastError: { code: 'NO_CREDENTIALS' } });
    expect(waiting?.nextAttemptAt).toBeUndefined();
    token = user(0).authorization;
    expect(await flush()).toMatchObject({ sent: 1 });
    expect(mpaInvites()).toHaveLength(2);
    // The calls that never left the machine are not history; the delivery is.
    expect(history.list({ limit: 10 }).entries.map((entry) => entry.outcome)).toEqual(['ok']);
  });

  it('token refused by MPA (401, renewal refused) during a flush: the item waits, paused, and is not sent twice', async () => {
    endpoint = await deadEndpoint();
    await mpa.send({ request: invite() });
    endpoint = mpsd.url;
    token = 'XBL3.0 x=1;not-a-token-the-local-mpa-knows';
    expect(await flush()).toMatchObject({ attempted: 1, retryLater: 1, sent: 0 });
    const [waiting] = outbox.list();
    expect(waiting).toMatchObject({ state: 'queued', lastError: { code: 'UNAUTHORIZED' } });
    expect(waiting?.nextAttemptAt).toBeUndefined();
    expect(mpaInvites()).toEqual([]);
    token = user(0).authorization;
    expect(await flush()).toMatchObject({ sent: 1 });
    expect(mpaInvites()).toHaveLength(2);
  });

  it('a queued activity set does not undo a later one: it carries the number of when it was asked for', async () => {
    endpoint = await deadEndpoint();
    await mpa.send({ request: activitySet('lobby:old') });
    endpoint = mpsd.url;
    const later = await mpa.send({ request: activitySet('lobby:new') });
    expect(later.error).toBeUndefined();
    const summary = await flush();
    expect(summary).toMatchObject({ attempted: 1, failed: 1, sent: 0 });
    expect(outbox.list()[0]).toMatchObject({ state: 'failed', lastError: { code: 'CONFLICT' } });
    expect(mpsd.mpa().activities.map((activity) => activity.connectionString)).toEqual(['lobby:new']);
  });

  it('a queued activity set from before a restart is refused by MPA as stale when a later one reached it', async () => {
    endpoint = await deadEndpoint();
    await mpa.send({ request: activitySet('lobby:old') });
    // Another process sets the activity later; then a restarted one (knowing neither's numbers) flushes.
    expect((await freshSender().send({ request: activitySet('lobby:new') })).error).toBeUndefined();
    expect(await outbox.flush({ deliver: freshSender().deliver })).toMatchObject({ attempted: 1, failed: 1 });
    expect(outbox.list()[0]?.lastError?.message).toMatch(/400/);
    expect(mpsd.mpa().activities.map((activity) => activity.connectionString)).toEqual(['lobby:new']);
    expect(mpsd.mpa().staleWrites).toBe(1);
  });
});

describe('secrets', () => {
  it('no token reaches the history or outbox files (sent, queued, refused and delivered calls)', async () => {
    const secretPart = user(0).authorization.split(';')[1] ?? '';
    expect(secretPart.length).toBeGreaterThan(16);
    await mpa.send({ request: activitySet('lobby:1') });
    await mpa.send({ request: invite() });
    await mpa.send({ request: { ...activitySet('lobby:x'), xuid: user(1).xuid } });
    endpoint = await deadEndpoint();
    await mpa.send({ request: invite() });
    endpoint = mpsd.url;
    await flush();
    expect(history.list({ limit: 50 }).entries.length).toBeGreaterThanOrEqual(5);
    outbox.close();
    history.close();
    const files = readdirSync(dir).filter((name) => /^(history|outbox)\.sqlite/.test(name));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const name of files) {
      const bytes = readFileSync(join(dir, name)).toString('latin1');
      expect(bytes.includes(secretPart), `${name} holds the token`).toBe(false);
      expect(bytes.includes(secretPart.slice(0, 16)), `${name} holds part of the token`).toBe(false);
    }
    // Reopened for afterEach, which closes them.
    history = openHistoryStore({ dataDir: dir });
    outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  });
});
