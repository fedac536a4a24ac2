/**
 * The send service as the outbox's sender, with real parts: the outbox and history in SQLite
 * files of a temp folder, MPSD as a scripted loopback server. What each fault does to a queued
 * item (and to history), and that only what the user queued is ever sent later.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import { systemClock } from '../clock.ts';
import { openHistoryStore, type HistoryStore } from '../history/history-store.ts';
import { startScriptedMpsd, type ArrivedCall, type ScriptedMpsd } from '../mpsd/scripted-mpsd.fixture.ts';
import { createOutboxHandlers } from '../outbox/outbox-handlers.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import type { AuthorizationSource } from '../ports.ts';
import { createSendService, deliveryOutcomeOf, type SendService } from './send-service.ts';
import { storedWireRequestSchema } from './wire-request-schema.ts';

const AUTH = 'XBL3.0 x=998877;eyJ.outbox-delivery-secret';
const SESSION_REF = { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-9' };
const ALICE = '2814660000000002';
const BOB = '2814660000000003';

let dir: string;
let outbox: OutboxStore;
let history: HistoryStore;
let mpsd: ScriptedMpsd | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-delivery-'));
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  history = openHistoryStore({ dataDir: dir });
});

afterEach(async () => {
  outbox.close();
  history.close();
  await mpsd?.close();
  mpsd = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const created = (call: ArrivedCall) => ({
  status: 201,
  body: { id: randomUUID(), type: 'invite', invitedXuid: (call.json as { invitedXuid: string }).invitedXuid },
});

/** A loopback port nothing listens on: bound, then released (OFFLINE). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface Setup {
  endpoint: string;
  authorization?: AuthorizationSource;
  /** Thrown by targetForProfile, as when the profile was deleted or profiles.json is damaged. */
  profileGone?: HandleStudioError;
}

function service(setup: Setup): SendService {
  return createSendService({
    fetch: globalThis.fetch,
    clock: systemClock,
    history,
    outbox,
    targetForProfile: () => {
      if (setup.profileGone) throw setup.profileGone;
      return {
        profileId: 'p1',
        sender: { profileId: 'p1', profileName: 'Local', sandbox: 'XDKS.1' },
        endpoint: setup.endpoint,
        contractVersion: 107,
        locale: 'en-US',
        authorization: setup.authorization ?? { current: async () => AUTH, renew: async () => AUTH },
        canQueue: true,
      };
    },
    onProgress: () => undefined,
  });
}

const inviteRequest = (xuids: string[]) =>
  parseHandleRequest({ kind: 'invite.send', sessionRef: SESSION_REF, invitedXuids: xuids, titleId: '1234' });

async function queueInvites(xuids: string[]): Promise<void> {
  // A send the user asked to queue, made while the token is expired: it waits in the outbox.
  const expired = service({
    endpoint: 'http://127.0.0.1:9',
    authorization: {
      current: async () => {
        throw new HandleStudioError('TOKEN_EXPIRED', 'The token expired.');
      },
      renew: async () => AUTH,
      // The profile still holds the expired token: the queued send's fields are checked against it.
      held: async () => AUTH,
    },
  });
  const result = await expired.send({ runId: randomUUID(), request: inviteRequest(xuids), queueIfUnavailable: true });
  expect(result.outcome).toBe('queued');
}

const historyRows = () => history.list({ limit: 100 }).entries;

describe('queueing only when asked', () => {
  it('an expired token queues the send when the caller asked for it, and nothing reaches MPSD', async () => {
    mpsd = await startScriptedMpsd(created);
    const expired: AuthorizationSource = {
      current: async () => {
        throw new HandleStudioError('TOKEN_EXPIRED', 'The token expired at 10:00.');
      },
      renew: async () => AUTH,
      held: async () => AUTH,
    };
    const result = await service({ endpoint: mpsd.url, authorization: expired }).send({
      runId: 'r1',
      request: inviteRequest([ALICE, BOB]),
      queueIfUnavailable: true,
    });
    expect(result).toMatchObject({ outcome: 'queued', queued: 2, error: { code: 'TOKEN_EXPIRED' } });
    expect(result.invitees?.map((invitee) => invitee.state)).toEqual(['queued', 'queued']);
    expect(outbox.list().map((item) => [item.invitedXuid, item.state, item.origin])).toEqual([
      [ALICE, 'queued', 'queued'],
      [BOB, 'queued', 'queued'],
    ]);
    expect(mpsd.calls).toHaveLength(0);
  });

  it('without being asked, an expired token fails the send and queues nothing', async () => {
    mpsd = await startScriptedMpsd(created);
    const expired: AuthorizationSource = {
      current: async () => {
        throw new HandleStudioError('TOKEN_EXPIRED', 'The token expired at 10:00.');
      },
      renew: async () => AUTH,
    };
    const result = await service({ endpoint: mpsd.url, authorization: expired }).send({
      runId: 'r1',
      request: inviteRequest([ALICE]),
      queueIfUnavailable: false,
    });
    expect(result).toMatchObject({ outcome: 'failed', queued: 0, error: { code: 'TOKEN_EXPIRED' } });
    expect(outbox.list()).toEqual([]);
  });

  it('an unreachable MPSD without --queue: every invitee failed OFFLINE, nothing left in the outbox for a later flush', async () => {
    const result = await service({ endpoint: await closedPort() }).send({
      runId: 'r1',
      request: inviteRequest([ALICE, BOB]),
      queueIfUnavailable: false,
    });
    expect(result.invitees?.map((invitee) => [invitee.state, invitee.error?.code])).toEqual([
      ['failed', 'OFFLINE'],
      ['failed', 'OFFLINE'],
    ]);
    expect(result.queued).toBe(0);
    expect(outbox.list()).toEqual([]);
  });
});

describe('flushing queued items', () => {
  it('a delivery whose outcome is unknown (connection dropped after sending) is marked so and never resent', async () => {
    mpsd = await startScriptedMpsd(() => 'drop');
    const sender = service({ endpoint: mpsd.url });
    await queueInvites([ALICE]);
    const first = await outbox.flush({ deliver: sender.deliver });
    expect(first).toMatchObject({ attempted: 1, outcomeUnknown: 1 });
    expect(outbox.list()[0]).toMatchObject({ state: 'outcome-unknown', lastError: { code: 'OUTCOME_UNKNOWN' } });
    const second = await outbox.flush({ deliver: sender.deliver });
    expect(second.attempted).toBe(0);
    expect(mpsd.calls).toHaveLength(1);
    expect(historyRows().map((row) => row.outcome)).toEqual(['outcome-unknown']);
  });

  it('offline attempts are not history rows: the one row for the delivered invite lists them', async () => {
    const target: Setup = { endpoint: await closedPort() };
    const sender = service(target);
    await queueInvites([ALICE]);
    expect((await outbox.flush({ deliver: sender.deliver })).retryLater).toBe(1);
    expect((await outbox.flush({ deliver: sender.deliver })).retryLater).toBe(1);
    expect(outbox.list()[0]).toMatchObject({ state: 'queued', attempts: 2, nextAttemptAt: expect.any(String) });
    expect(historyRows()).toEqual([]);

    mpsd = await startScriptedMpsd(created);
    target.endpoint = mpsd.url;
    expect((await outbox.flush({ deliver: sender.deliver })).sent).toBe(1);
    const rows = historyRows();
    expect(rows.map((row) => [row.invitedXuid, row.outcome])).toEqual([[ALICE, 'ok']]);
    expect(history.get(rows[0]!.id).attempts?.map((attempt) => attempt.code)).toEqual(['OFFLINE', 'OFFLINE']);
  });

  it('a token MPSD refused pauses the item with no network call; a 401 answer puts it back in the queue, not failed', async () => {
    mpsd = await startScriptedMpsd(() => ({ status: 401, body: 'Token expired.' }));
    const refused: AuthorizationSource = {
      current: async () => {
        throw new HandleStudioError('UNAUTHORIZED', 'MPSD refused the token of profile Local: sign in again.', { refused: true });
      },
      renew: async () => AUTH,
    };
    const paused = service({ endpoint: mpsd.url, authorization: refused });
    await queueInvites([ALICE]);
    for (let round = 0; round < 3; round++) await outbox.flush({ deliver: paused.deliver, dueOnly: true });
    expect(mpsd.calls).toHaveLength(0);
    expect(outbox.list()[0]).toMatchObject({ state: 'queued', attempts: 0, lastError: { code: 'UNAUTHORIZED' } });

    // A token that MPSD then answers 401 (after the one renewal): MPSD did not process it, so it waits again.
    const answered401 = service({ endpoint: mpsd.url });
    await outbox.flush({ deliver: answered401.deliver });
    expect(mpsd.calls).toHaveLength(2);
    expect(outbox.list()[0]).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: { code: 'UNAUTHORIZED' },
      attemptLog: [{ code: 'UNAUTHORIZED', status: 401 }],
    });
    expect(outbox.list()[0]!.nextAttemptAt).toBeUndefined();
    expect(historyRows()).toEqual([]);
  });

  it('an item whose profile vanished waits for it instead of failing for good, and goes once it is back', async () => {
    mpsd = await startScriptedMpsd(created);
    const target: Setup = {
      endpoint: mpsd.url,
      profileGone: new HandleStudioError('NOT_FOUND', 'That profile no longer exists: pick another one.'),
    };
    const sender = service(target);
    await queueInvites([ALICE]);
    await outbox.flush({ deliver: sender.deliver });
    expect(outbox.list()[0]).toMatchObject({
      state: 'queued',
      attempts: 0,
      lastError: { code: 'NOT_FOUND', message: expect.stringMatching(/^Its profile is gone .*so it waits. Send it as another profile/) },
    });
    delete target.profileGone;
    expect((await outbox.flush({ deliver: sender.deliver })).sent).toBe(1);
    expect(mpsd.calls).toHaveLength(1);
  });

  it("a 429 with Retry-After of a day is not waited out: the item goes back to the queue until MPSD's time, and outbox list shows it", async () => {
    mpsd = await startScriptedMpsd(() => ({ status: 429, headers: { 'Retry-After': '86400' } }));
    const sender = service({ endpoint: mpsd.url });
    await queueInvites([ALICE]);
    const before = Date.now();
    const summary = await outbox.flush({ deliver: sender.deliver });
    expect(summary).toMatchObject({ attempted: 1, retryLater: 1 });
    const [item] = outbox.list();
    expect(item).toMatchObject({ state: 'queued', lastError: { code: 'THROTTLED' } });
    // MPSD's own time, a day ahead (not a backoff of seconds).
    expect(Date.parse(item!.nextAttemptAt!)).toBeGreaterThanOrEqual(before + 86_400_000 - 5_000);
    // Even a flush the user asked for does not call MPSD before then.
    expect((await outbox.flush({ deliver: sender.deliver })).attempted).toBe(0);
    expect(mpsd.calls).toHaveLength(1);
    expect(historyRows()).toEqual([]);
  });

  it('cancelling a flush ends its wait at once (a Retry-After), and the item stays queued, not failed', async () => {
    mpsd = await startScriptedMpsd(() => ({ status: 429, headers: { 'Retry-After': '50' } }));
    const sender = service({ endpoint: mpsd.url });
    await queueInvites([ALICE]);
    const handlers = createOutboxHandlers({ outbox, deliver: sender.deliver, profile: () => undefined });
    const flushing = handlers.flushOutbox({});
    await expect.poll(() => mpsd!.calls.length, { timeout: 5_000, interval: 10 }).toBe(1);
    expect(await handlers.cancelOutboxFlush({})).toEqual({ cancelled: true });
    const summary = await flushing;
    expect(summary.cancelled).toBe(true);
    expect(outbox.list()[0]).toMatchObject({ state: 'queued', lastError: { code: 'CANCELLED' } });
    expect(mpsd.calls).toHaveLength(1);
  });
});

describe('what an exchange means for a queued item', () => {
  const exchange: MpsdExchange = {
    kind: 'invite.send',
    request: { method: 'POST', url: 'https://sessiondirectory.xboxlive.com/handles', headers: {} },
    startedAt: '2026-12-01T10:00:00.000Z',
    durationMs: 5,
  };

  it("a Retry-After too long to wait out (THROTTLED with retryAt) holds the item until MPSD's time", () => {
    const retryAt = '2026-12-02T10:00:00.000Z';
    const outcome = deliveryOutcomeOf({
      ...exchange,
      response: { status: 429, headers: {}, body: '' },
      error: { code: 'THROTTLED', message: 'MPSD asked to wait until tomorrow.', details: { retryAt, retryAfterMs: 86_400_000 } },
    });
    expect(outcome).toMatchObject({ result: 'retry-later', retryAt, status: 429, error: { code: 'THROTTLED' } });
  });

  it('a 401 (MPSD did not process it) and a cancelled wait go back to the queue without backoff; an unknown outcome is never retried', () => {
    expect(
      deliveryOutcomeOf({
        ...exchange,
        response: { status: 401, headers: {}, body: '' },
        error: { code: 'UNAUTHORIZED', message: 'Refused.' },
      }),
    ).toMatchObject({ result: 'retry-later', paused: true, status: 401 });
    expect(deliveryOutcomeOf({ ...exchange, error: { code: 'CANCELLED', message: 'Stopped.' } })).toMatchObject({
      result: 'retry-later',
      paused: true,
    });
    expect(deliveryOutcomeOf({ ...exchange, error: { code: 'OUTCOME_UNKNOWN', message: 'Dropped.' } })).toMatchObject({
      result: 'outcome-unknown',
    });
    expect(
      deliveryOutcomeOf({ ...exchange, response: { status: 403, headers: {}, body: '' }, error: { code: 'FORBIDDEN', message: 'No.' } }),
    ).toMatchObject({ result: 'failed' });
  });
});
