import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdUser } from '../../emulator/index.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { systemClock } from '../clock.ts';
import type { AuthorizationSource } from '../ports.ts';
import { openMpaBudgets, type MpaBudgets } from './mpa-budgets.ts';
import { createMpaService, type MpaService } from './mpa-service.ts';

const TITLE = '1234';
let mpsd: LocalMpsd;
let dataDir: string;
let budgets: MpaBudgets[];
let service: MpaService;

function open(): MpaBudgets {
  const opened = openMpaBudgets({
    dataDir,
    clock: systemClock,
    onFallback: (message) => {
      throw new Error(message);
    },
  });
  budgets.push(opened);
  return opened;
}

beforeEach(async () => {
  mpsd = await startLocalMpsd({ rateLimits: true });
  dataDir = mkdtempSync(join(tmpdir(), 'mpa-service-'));
  budgets = [];
  service = createMpaService({ fetch: globalThis.fetch, clock: systemClock, budgets: open() });
});

afterEach(async () => {
  for (const opened of budgets) opened.close();
  await mpsd.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function as(user: LocalMpsdUser): { sender: string; baseUrl: string; authorization: AuthorizationSource } {
  return {
    sender: user.xuid,
    baseUrl: mpsd.url,
    authorization: {
      current: async () => user.authorization,
      renew: async () => {
        throw new HandleStudioError('UNAUTHORIZED', 'no renewal in this test');
      },
    },
  };
}

const user = (index: number) => mpsd.users[index] as LocalMpsdUser;

describe('MPA through core against the local MPA', () => {
  it('round trip: A sets an activity and invites B and C in one call; B queries A and sees the connection string', async () => {
    const [a, b, c] = [user(0), user(1), user(2)];
    const set = await service.send(as(a), {
      kind: 'mpa.activity.set',
      titleId: TITLE,
      xuid: a.xuid,
      connectionString: 'lobby:9f2c',
      joinRestriction: 'Public',
      maxPlayers: 4,
      currentPlayers: 1,
    });
    expect(set.error).toBeUndefined();
    expect(set.exchange.request.headers).toMatchObject({
      Authorization: 'XBL3.0 x=<uhs>;<token>',
      'x-xbl-contract-version': '1',
      'Content-Type': 'application/json; charset=utf-8',
    });
    expect(set.exchange.request.url).toBe(`${mpsd.url}/titles/1234/users/${a.xuid}/activities`);

    const invite = await service.send(as(a), {
      kind: 'mpa.invite.send',
      titleId: TITLE,
      invitedUsers: [b.xuid, c.xuid],
      connectionString: 'lobby:9f2c',
    });
    expect(invite.invitees).toEqual([
      { xuid: b.xuid, outcome: 'invited' },
      { xuid: c.xuid, outcome: 'invited' },
    ]);
    expect(invite.exchange.attempts).toBe(1);
    expect(mpsd.mpa().invites.map((record) => record.invitedUser)).toEqual([b.xuid, c.xuid]);

    const query = await service.send(as(b), { kind: 'mpa.activity.query', titleId: TITLE, users: [a.xuid] });
    expect(query.users).toEqual([
      { xuid: a.xuid, activities: [expect.objectContaining({ connectionString: 'lobby:9f2c', titleId: 1234, platform: 'Unknown' })] },
    ]);

    const deleted = await service.send(as(a), { kind: 'mpa.activity.delete', titleId: TITLE, xuid: a.xuid });
    expect(deleted.error).toBeUndefined();
    expect((await service.send(as(b), { kind: 'mpa.activity.get', titleId: TITLE, xuid: a.xuid })).activity).toBeNull();
  });

  it('writes within one 6.55 ms unit of the clock still get growing sequence numbers, so none is refused as stale', async () => {
    const a = user(0);
    // A clock that does not move: every write falls in the same unit of XSAPI's time-based number.
    const frozen = { now: () => Date.parse('2026-12-01T13:00:00Z'), sleep: systemClock.sleep };
    const stillService = createMpaService({ fetch: globalThis.fetch, clock: frozen, budgets: open() });
    const results = [];
    for (let index = 0; index < 5; index += 1) {
      results.push(
        await stillService.send(as(a), {
          kind: 'mpa.activity.set',
          titleId: TITLE,
          xuid: a.xuid,
          connectionString: `c${index}`,
          joinRestriction: 'Public',
        }),
      );
    }
    expect(results.map((result) => result.error?.message)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(mpsd.mpa().staleWrites).toBe(0);
    const numbers = results.map(
      (result) => (JSON.parse(result.exchange.request.body ?? '{}') as { sequenceNumber: number }).sequenceNumber,
    );
    expect([...numbers].sort((x, y) => x - y)).toEqual(numbers);
    expect(new Set(numbers).size).toBe(5);
  });

  it("MPA's refusal comes back in its own words; nothing is thrown", async () => {
    const [a, b] = [user(0), user(1)];
    const result = await service.send(as(b), {
      kind: 'mpa.activity.set',
      titleId: TITLE,
      xuid: a.xuid,
      connectionString: 'x',
      joinRestriction: 'Public',
    });
    expect(result.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Players set only their own activity') });
  });

  it('an invite answered 503 without Retry-After is OUTCOME_UNKNOWN for every invitee and is not repeated', async () => {
    const [a, b, c] = [user(0), user(1), user(2)];
    mpsd.faults.set({ kind: 'status', status: 503, count: 1, pathPattern: '/invites$' });
    const result = await service.send(as(a), { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b.xuid, c.xuid] });
    expect(result.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(result.invitees?.map((invitee) => invitee.outcome)).toEqual(['unknown', 'unknown']);
    expect(result.exchange.attempts).toBe(1);
  });

  it('a dropped connection during an invite is OUTCOME_UNKNOWN; a stopped MPA is OFFLINE (nothing sent)', async () => {
    const [a, b] = [user(0), user(1)];
    mpsd.faults.set({ kind: 'drop', count: 1, pathPattern: '/invites$' });
    expect((await service.send(as(a), { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b.xuid] })).error?.code).toBe(
      'OUTCOME_UNKNOWN',
    );
    const target = as(a);
    await mpsd.stop();
    const offline = await service.send(target, { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b.xuid] });
    expect(offline.error?.code).toBe('OFFLINE');
    expect(offline.invitees?.[0]?.outcome).toBe('not-invited');
    mpsd = await startLocalMpsd();
  });

  it('a 401 renews the token once and the call goes through; a second 401 marks the token refused', async () => {
    const [a, b] = [user(0), user(1)];
    const stale = mpsd.directory.issueToken({ xuid: a.xuid });
    mpsd.directory.revoke(stale.token);
    let refused = 0;
    const renewing = {
      sender: a.xuid,
      baseUrl: mpsd.url,
      authorization: {
        current: async () => stale.authorization,
        renew: async () => mpsd.directory.issueToken({ xuid: a.xuid }).authorization,
        refused: () => (refused += 1),
      },
    };
    const result = await service.send(renewing, { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b.xuid] });
    expect(result.error).toBeUndefined();
    expect(result.exchange.attempts).toBe(2);
    expect(refused).toBe(0);
    const never = { ...renewing, authorization: { ...renewing.authorization, renew: async () => stale.authorization } };
    const denied = await service.send(never, { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b.xuid] });
    expect(denied.error?.code).toBe('UNAUTHORIZED');
    expect(refused).toBe(1);
    expect(mpsd.mpa().invites).toHaveLength(1);
  });

  it('a stored Authorization value that cannot be a header is NO_CREDENTIALS and nothing is sent (never an unknown outcome)', async () => {
    const [a, b] = [user(0), user(1)];
    const broken = { ...as(a), authorization: { current: async () => `${a.authorization}\n`, renew: async () => a.authorization } };
    const result = await service.send(broken, { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [b.xuid] });
    expect(result.error?.code).toBe('NO_CREDENTIALS');
    expect(result.invitees?.[0]?.outcome).toBe('not-invited');
    expect(mpsd.mpa().invites).toEqual([]);
  });

  it('a bad request is refused before any call, naming every problem', async () => {
    const a = user(0);
    await expect(
      service.send(as(a), { kind: 'mpa.invite.send', titleId: TITLE, invitedUsers: [], connectionString: 'x'.repeat(300) }),
    ).rejects.toThrow(/2 problems/);
    expect(mpsd.mpa().invites).toEqual([]);
  });
});

describe('MPA buckets, shared through the data folder', () => {
  it('7 invite calls fill the burst; a second opening of the same folder (another process) sees it and waits instead of meeting a 429', async () => {
    const other = open();
    for (let index = 0; index < 7; index += 1) await budgets[0]?.budgetFor('invites', 'p1', TITLE).take();
    const controller = new AbortController();
    const waiting = other.budgetFor('invites', 'p1', TITLE).take(controller.signal);
    let settled = false;
    void waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Another title and another bucket are not held up by it.
    await other.budgetFor('invites', 'p1', '99').take();
    await other.budgetFor('activityWrite', 'p1', TITLE).take();
    expect(settled).toBe(false);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
