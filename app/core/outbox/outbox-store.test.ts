import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from '../../shared/zod.ts';
import type { OutboxCounts, OutboxItem } from '../../shared/contract/outbox.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import type { Deliver, NewOutboxItem, OutboxStore } from './outbox-store.ts';
import { openOutboxStore } from './outbox-store.ts';

const wireRequestSchema = z.strictObject({
  method: z.enum(['POST', 'GET', 'PUT', 'DELETE']),
  path: z.string().check(z.startsWith('/', { error: 'Path must start with /.' })),
  headers: z.optional(z.record(z.string(), z.string())),
  body: z.optional(z.unknown()),
});

let dir: string;
const opened: OutboxStore[] = [];

function open(onChange?: (counts: OutboxCounts) => void): OutboxStore {
  const store = openOutboxStore({ dataDir: dir, requestSchema: wireRequestSchema, onChange });
  opened.push(store);
  return store;
}

function invites(xuids: string[]): NewOutboxItem[] {
  return xuids.map((xuid, i) => ({
    profileId: 'p1',
    kind: 'invite.send',
    invitedXuid: xuid,
    label: `Friend ${i + 1}`,
    request: { method: 'POST', path: '/handles', body: { version: 1, type: 'invite', invitedXuid: xuid } },
  }));
}

const sendAll: Deliver = async (item) => ({ result: 'sent', handleId: `h-${item.invitedXuid}`, correlationId: `cv-${item.invitedXuid}` });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-outbox-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('outbox', () => {
  it('queues one item per invitee and keeps them across a restart', () => {
    const store = open();
    const items = store.enqueue(invites(['1001', '1002', '1003']));
    expect(items.map((i) => [i.invitedXuid, i.state, i.attempts])).toEqual([
      ['1001', 'queued', 0],
      ['1002', 'queued', 0],
      ['1003', 'queued', 0],
    ]);
    store.close();
    const reopened = open();
    expect(reopened.counts()).toEqual({ queued: 3, sending: 0, sent: 0, failed: 0, 'outcome-unknown': 0 });
    expect(reopened.list().map((i) => i.label)).toEqual(['Friend 1', 'Friend 2', 'Friend 3']);
    expect(reopened.get(items[1]!.id).request).toEqual({
      method: 'POST',
      path: '/handles',
      body: { version: 1, type: 'invite', invitedXuid: '1002' },
    });
  });

  it('adds nothing when one item of a batch is invalid, and names the bad item', () => {
    const store = open();
    const batch = invites(['1001', '1002']);
    batch[1] = { ...batch[1]!, request: { method: 'POST', path: 'handles' } };
    expect(() => store.enqueue(batch)).toThrow(/Outbox item 2, its request: path: Path must start with \//);
    expect(() => store.enqueue(invites(['not-a-xuid']))).toThrow(/XUID must be decimal digits/);
    expect(store.counts().queued).toBe(0);
  });

  it('refuses to queue a request carrying a real Authorization value', () => {
    const store = open();
    const [item] = invites(['1001']);
    expect(() =>
      store.enqueue([{ ...item!, request: { method: 'POST', path: '/handles', headers: { Authorization: 'XBL3.0 x=123;abc.def' } } }]),
    ).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() =>
      store.enqueue([{ ...item!, request: { method: 'POST', path: '/handles', headers: { Authorization: AUTHORIZATION_PLACEHOLDER } } }]),
    ).not.toThrow();
  });

  it('sends in order, marking each item sending before the attempt and its result after', async () => {
    const changes: OutboxCounts[] = [];
    const store = open((counts) => changes.push(counts));
    store.enqueue(invites(['1001', '1002', '1003']));
    const statesSeenByDeliver: string[] = [];
    const progress: number[] = [];
    const summary = await store.flush({
      deliver: async (item) => {
        // What is on disk at the moment of the attempt, read back through the store.
        statesSeenByDeliver.push(store.get(item.id).state);
        return sendAll(item, new AbortController().signal);
      },
      onProgress: ({ done }) => progress.push(done),
    });
    expect(statesSeenByDeliver).toEqual(['sending', 'sending', 'sending']);
    expect(progress).toEqual([1, 2, 3]);
    expect(summary).toMatchObject({ attempted: 3, sent: 3, cancelled: false, counts: { sent: 3, queued: 0 } });
    expect(store.list().map((i) => [i.state, i.handleId, i.correlationId, i.attempts])).toEqual([
      ['sent', 'h-1001', 'cv-1001', 1],
      ['sent', 'h-1002', 'cv-1002', 1],
      ['sent', 'h-1003', 'cv-1003', 1],
    ]);
    expect(changes.at(-1)).toMatchObject({ sent: 3, queued: 0, sending: 0 });
    // A second flush has nothing to send: sent items are never sent again.
    expect((await store.flush({ deliver: sendAll })).attempted).toBe(0);
  });

  it('records failures, puts offline items back in the queue and holds that profile for the rest of the flush', async () => {
    const store = open();
    store.enqueue([...invites(['1001', '1002']), { ...invites(['2001'])[0]!, profileId: 'p2' }, ...invites(['1003'])]);
    const delivered: string[] = [];
    const summary = await store.flush({
      deliver: async (item) => {
        delivered.push(item.invitedXuid!);
        if (item.invitedXuid === '1001')
          return { result: 'failed', error: { code: 'FORBIDDEN', message: 'The requested service config cannot be accessed.' } };
        if (item.invitedXuid === '1002') return { result: 'retry-later', error: { code: 'OFFLINE', message: 'No network.' } };
        return { result: 'sent', handleId: 'h' };
      },
    });
    // 1003 is p1's too: after p1 went offline it is not tried in this flush; p2 still goes.
    expect(delivered).toEqual(['1001', '1002', '2001']);
    expect(summary).toMatchObject({ attempted: 3, sent: 1, failed: 1, retryLater: 1 });
    const byXuid = Object.fromEntries(store.list().map((i) => [i.invitedXuid, i]));
    expect(byXuid['1001']).toMatchObject({ state: 'failed', lastError: { code: 'FORBIDDEN' } });
    expect(byXuid['1002']).toMatchObject({ state: 'queued', attempts: 1, lastError: { code: 'OFFLINE' } });
    expect(byXuid['1003']).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('treats a throwing or nonsensical deliver as outcome-unknown, never as not sent', async () => {
    const store = open();
    store.enqueue(invites(['1001', '1002']));
    await store.flush({
      deliver: async (item) => {
        if (item.invitedXuid === '1001') throw new Error('socket hang up');
        return { result: 'maybe' } as never;
      },
    });
    expect(store.list().map((i) => i.state)).toEqual(['outcome-unknown', 'outcome-unknown']);
    expect(store.list()[0]!.lastError?.message).toMatch(/socket hang up/);
  });

  it('runs one flush at a time', async () => {
    const store = open();
    store.enqueue(invites(['1001']));
    let release: () => void = () => {};
    const first = store.flush({
      deliver: (item) =>
        new Promise((resolve) => {
          release = () => resolve({ result: 'sent', handleId: item.id });
        }),
    });
    await expect(store.flush({ deliver: sendAll })).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    expect((await first).sent).toBe(1);
  });

  it('stops before the next item when cancelled, finishing the one in flight', async () => {
    const store = open();
    store.enqueue(invites(['1001', '1002', '1003']));
    const controller = new AbortController();
    const summary = await store.flush({
      signal: controller.signal,
      deliver: async (item) => {
        controller.abort();
        return { result: 'sent', handleId: item.id };
      },
    });
    expect(summary).toMatchObject({ attempted: 1, sent: 1, cancelled: true, counts: { queued: 2, sent: 1 } });
  });

  it('after a crash mid-send, reopens the item as outcome-unknown and never resends it by itself', async () => {
    const store = open();
    const [first, second] = store.enqueue(invites(['1001', '1002']));
    // The "crash": the database goes away while the request is out, so no result is ever written.
    await expect(
      store.flush({
        deliver: async () => {
          store.close();
          return { result: 'sent', handleId: 'never-recorded' };
        },
      }),
    ).rejects.toThrow();

    const reopened = open();
    expect(reopened.status.interruptedAtOpen).toBe(1);
    expect(reopened.get(first!.id)).toMatchObject({ state: 'outcome-unknown', attempts: 1, lastError: { code: 'OUTCOME_UNKNOWN' } });
    expect(reopened.get(second!.id).state).toBe('queued');

    const delivered: string[] = [];
    await reopened.flush({ deliver: async (item) => (delivered.push(item.id), { result: 'sent' }) });
    expect(delivered).toEqual([second!.id]);

    // Only the user sends it again, and only once asked.
    expect(reopened.requeue(first!.id).state).toBe('queued');
    await reopened.flush({ deliver: async (item) => (delivered.push(item.id), { result: 'sent' }) });
    expect(delivered).toEqual([second!.id, first!.id]);
    expect(reopened.get(first!.id).attempts).toBe(2);
  });

  it('lets the user dismiss finished items but not requeue a sent one', async () => {
    const store = open();
    const [item] = store.enqueue(invites(['1001']));
    await store.flush({ deliver: sendAll });
    expect(() => store.requeue(item!.id)).toThrow(/this one is sent/);
    store.dismiss(item!.id);
    expect(store.counts().sent).toBe(0);
    expect(() => store.dismiss(item!.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('lists by state', () => {
    const store = open();
    store.enqueue(invites(['1001']));
    const list = (states: OutboxItem['state'][]) => store.list({ states }).length;
    expect(list(['queued'])).toBe(1);
    expect(list(['sent', 'failed'])).toBe(0);
  });
});

describe('outbox claims (a live send journaling its invites)', () => {
  it('lets exactly one sender claim an item, and a flush skips what is claimed', async () => {
    const store = open();
    const [first, second] = store.enqueue(invites(['1001', '1002']));
    expect(store.claim(first!.id)).toBe(true);
    expect(store.get(first!.id).state).toBe('sending');
    expect(store.claim(first!.id)).toBe(false);

    const delivered: string[] = [];
    await store.flush({ deliver: async (item) => (delivered.push(item.invitedXuid!), { result: 'sent' }) });
    expect(delivered).toEqual(['1002']);
    expect(store.get(second!.id).state).toBe('sent');

    store.settle(first!.id, { result: 'sent', handleId: 'h-1001' });
    expect(store.get(first!.id)).toMatchObject({ state: 'sent', handleId: 'h-1001' });
    expect(() => store.settle(first!.id, { result: 'sent' })).toThrow(
      /MPSD accepted it, but the item is sent now .* could not be recorded/,
    );
  });

  it('settles one item and claims the next in one commit, telling the counts once; all or nothing', () => {
    const told: OutboxCounts[] = [];
    const store = open((counts) => told.push(counts));
    const [first, second, third] = store.enqueue(invites(['1001', '1002', '1003']), { origin: 'live' });
    store.claim(first!.id);
    told.length = 0;
    store.together(() => {
      store.settle(first!.id, { result: 'sent', handleId: 'h-1001' });
      return store.claim(second!.id);
    });
    expect(told).toEqual([{ queued: 0, sending: 1, sent: 1, failed: 0, 'outcome-unknown': 0 }]);

    // A failure inside undoes both writes, and the counts told next are those on disk again.
    expect(() =>
      store.together(() => {
        store.settle(second!.id, { result: 'sent' });
        store.claim(third!.id);
        throw new Error('the disk refused it');
      }),
    ).toThrow(/the disk refused it/);
    expect([first, second, third].map((item) => store.get(item!.id).state)).toEqual(['sent', 'sending', 'queued']);
    expect(store.counts()).toEqual({ queued: 0, sending: 1, sent: 1, failed: 0, 'outcome-unknown': 0 });

    // A queued item's claim must be fsynced, which SQLite cannot do to a commit already begun: refused, nothing written.
    const [queued] = store.enqueue(invites(['1004']));
    expect(() => store.together(() => store.claim(queued!.id))).toThrow(/fsynced on its own/);
    expect(store.get(queued!.id).state).toBe('queued');
    expect(store.claim(queued!.id)).toBe(true);
  });

  it('reports a claimed item that was never settled (the process died) as outcome unknown after a restart', () => {
    const store = open();
    const [item] = store.enqueue(invites(['1001']));
    store.claim(item!.id);
    store.close();
    const reopened = open();
    expect(reopened.status.interruptedAtOpen).toBe(1);
    expect(reopened.get(item!.id).state).toBe('outcome-unknown');
  });
});

describe("ownership: only a gone sender's rows are relabelled, and a result that cannot be kept is shown", () => {
  it("a second store opening (or listing) while another sends leaves its row alone, and the owner's result is kept", async () => {
    const sender = open();
    const [item] = sender.enqueue(invites(['1001']));
    let release: () => void = () => {};
    const flushing = sender.flush({
      deliver: (claimed) =>
        new Promise((resolve) => {
          release = () => resolve({ result: 'sent', handleId: `h-${claimed.invitedXuid}` });
        }),
    });
    // Another window or a CLI run opens the same outbox mid-send.
    const other = open();
    expect(other.status.interruptedAtOpen).toBe(0);
    expect(other.list().map((i) => i.state)).toEqual(['sending']);
    release();
    const summary = await flushing;
    expect(summary.warnings).toBeUndefined();
    expect(other.get(item!.id)).toMatchObject({ state: 'sent', handleId: 'h-1001' });
  });

  it('when the row was taken over anyway, the flush names the result it could not record instead of dropping it', async () => {
    const store = open();
    const [item] = store.enqueue(invites(['1001']));
    const summary = await store.flush({
      deliver: async (claimed) => {
        // What an older build (or a user editing the file) does: relabel a row it does not own.
        const raw = new DatabaseSync(join(dir, 'outbox.sqlite'));
        raw.prepare(`UPDATE outbox SET state = 'outcome-unknown' WHERE id = ?`).run(claimed.id);
        raw.close();
        return { result: 'sent', handleId: 'h-1001' };
      },
    });
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings![0]).toMatchObject({ code: 'CONFLICT', details: { id: item!.id } });
    expect(summary.warnings![0]!.message).toMatch(/MPSD accepted it \(handle h-1001\), but the item is outcome-unknown now/);
  });

  it("a live send's journal is never flushed; once its store is gone, what it never attempted is dropped and the one in flight is unknown", async () => {
    const live = open();
    const [inFlight, sent, notAttempted] = live.enqueue(invites(['1001', '1002', '1003']), { origin: 'live' });
    expect(live.claim(sent!.id)).toBe(true);
    live.settle(sent!.id, { result: 'sent', handleId: 'h-1002' });
    live.claim(inFlight!.id);

    const flusher = open();
    const delivered: string[] = [];
    const summary = await flusher.flush({ deliver: async (item) => (delivered.push(item.id), { result: 'sent' }) });
    expect(delivered).toEqual([]);
    expect(summary.attempted).toBe(0);
    expect(flusher.get(inFlight!.id).state).toBe('sending');
    expect(flusher.get(notAttempted!.id).state).toBe('queued');
    // Not yet attempted, it is the running send's own journal: not waiting work, so neither counted nor listed.
    expect(flusher.counts()).toMatchObject({ queued: 0, sending: 1, sent: 1 });
    expect(flusher.list().map((item) => item.id)).toEqual([inFlight!.id, sent!.id]);

    live.close(); // the sender is gone (in another process: killed)
    const next = open();
    expect(next.status).toMatchObject({ interruptedAtOpen: 1, droppedAtOpen: 1 });
    expect(next.get(inFlight!.id)).toMatchObject({ state: 'outcome-unknown', lastError: { code: 'OUTCOME_UNKNOWN' } });
    expect(() => next.get(notAttempted!.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(next.get(sent!.id)).toMatchObject({ state: 'sent', handleId: 'h-1002' });
    await next.flush({ deliver: async (item) => (delivered.push(item.id), { result: 'sent' }) });
    expect(delivered).toEqual([]);
  });

  it("after the machine restarted, a live send's unattempted invites are unknown, not dropped (a power cut may have lost their claim)", () => {
    const live = open();
    const [claimed, unclaimed] = live.enqueue(invites(['1001', '1002']), { origin: 'live' });
    live.claim(claimed!.id);
    live.close();
    const raw = new DatabaseSync(join(dir, 'outbox.sqlite'));
    raw.prepare(`UPDATE outbox SET owner_boot = 'an-earlier-boot'`).run();
    raw.close();

    const next = open();
    expect(next.status).toMatchObject({ interruptedAtOpen: 2, droppedAtOpen: 0 });
    expect(next.list().map((item) => [item.invitedXuid, item.state])).toEqual([
      ['1001', 'outcome-unknown'],
      ['1002', 'outcome-unknown'],
    ]);
    expect(next.get(unclaimed!.id).lastError?.message).toMatch(/the computer restarted since/);
  });

  it("the counts it tells stay those on disk through every change, and another process's writes", async () => {
    const told: OutboxCounts[] = [];
    const store = open((counts) => told.push(counts));
    const onDisk = (): OutboxCounts => {
      const raw = new DatabaseSync(join(dir, 'outbox.sqlite'), { readOnly: true });
      const rows = raw
        .prepare(`SELECT state, COUNT(*) AS n FROM outbox WHERE NOT (origin = 'live' AND state = 'queued') GROUP BY state`)
        .all() as { state: keyof OutboxCounts; n: number }[];
      raw.close();
      const counts: OutboxCounts = { queued: 0, sending: 0, sent: 0, failed: 0, 'outcome-unknown': 0 };
      for (const row of rows) counts[row.state] = row.n;
      return counts;
    };
    const check = () => {
      expect(store.counts()).toEqual(onDisk());
      expect(told.at(-1)).toEqual(onDisk());
    };
    const queued = store.enqueue(invites(['1001', '1002', '1003', '1004']));
    check();
    const [a, b, c] = store.enqueue(invites(['2001', '2002', '2003']), { origin: 'live' });
    store.claim(a!.id);
    check();
    store.settle(a!.id, { result: 'sent' });
    check();
    store.claim(b!.id);
    store.settle(b!.id, { result: 'retry-later', error: { code: 'OFFLINE', message: 'No network.' } });
    check();
    store.keepQueued(c!.id);
    check();
    const outcomes = [
      { result: 'failed' as const, error: { code: 'FORBIDDEN' as const, message: 'No.' } },
      { result: 'sent' as const },
      { result: 'outcome-unknown' as const, error: { code: 'OUTCOME_UNKNOWN' as const, message: '?' } },
    ];
    await store.flush({
      deliver: () => Promise.resolve(outcomes.shift() ?? { result: 'retry-later', error: { code: 'THROTTLED', message: 'Later.' } }),
    });
    check();
    store.requeue(queued[0]!.id);
    check();
    store.dismiss(queued[1]!.id);
    check();
    expect(store.dismissAll([a!.id, b!.id, queued[2]!.id])).toBe(3);
    check();
    // Another process queues one: this store's next change tells the counts with it.
    open().enqueue(invites(['3001']));
    store.dismiss(queued[3]!.id);
    check();
  });

  it('a live invite the user asked to queue becomes an ordinary queued item that a flush sends', async () => {
    const live = open();
    const [item] = live.enqueue(invites(['1001']), { origin: 'live' });
    live.keepQueued(item!.id);
    live.close();
    const next = open();
    expect(next.status.droppedAtOpen).toBe(0);
    expect((await next.flush({ deliver: sendAll })).sent).toBe(1);
  });

  it("a live send's requests are journaled as built, and a flush still refuses one that is not valid instead of sending it", async () => {
    const store = open();
    const odd = { ...invites(['1001'])[0]!, request: { method: 'POST', path: 'handles' } };
    // Queued by the user: checked at once.
    expect(() => store.enqueue([odd])).toThrow(/its request: .*Path must start with \//);
    // Journaled by a live send (the sender built it): kept as is, then queued at the user's word.
    const [item] = store.enqueue([odd], { origin: 'live' });
    store.keepQueued(item!.id);
    const delivered: string[] = [];
    const summary = await store.flush({ deliver: async (sent) => (delivered.push(sent.id), { result: 'sent' }) });
    expect(delivered).toEqual([]);
    expect(summary.warnings?.[0]?.message).toMatch(/stored request is not valid .*Path must start with \//);
    expect(store.get(item!.id).state).toBe('queued');
    // A secret is refused either way.
    expect(() =>
      store.enqueue(
        [{ ...odd, request: { method: 'POST', path: '/handles', headers: { Authorization: 'XBL3.0 x=1;abcdefghijklmnopqrstu' } } }],
        {
          origin: 'live',
        },
      ),
    ).toThrow();
  });
});

describe("retries: backoff with jitter, MPSD's own time, waiting for the user", () => {
  const offline = { result: 'retry-later' as const, error: { code: 'OFFLINE' as const, message: 'No network.' } };

  it('each attempt that could not go out backs off (doubling, jittered) and shows when the next one is; the background flusher waits for it', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const store = openOutboxStore({ dataDir: dir, requestSchema: wireRequestSchema, now: () => clock, random: () => 0.5 });
    opened.push(store);
    const [item] = store.enqueue(invites(['1001']));
    await store.flush({ deliver: async () => offline });
    // First step 10 s, jitter factor 0.5 + 0.5/2 = 0.75.
    expect(store.get(item!.id)).toMatchObject({
      state: 'queued',
      nextAttemptAt: '2026-12-01T10:00:07.500Z',
      attemptLog: [{ code: 'OFFLINE' }],
    });
    expect((await store.flush({ deliver: sendAll, dueOnly: true })).attempted).toBe(0);
    clock += 7_500;
    await store.flush({ deliver: async () => offline, dueOnly: true });
    expect(store.get(item!.id).nextAttemptAt).toBe(new Date(clock + 15_000).toISOString());
    expect(store.get(item!.id).attemptLog).toHaveLength(2);
    // The user's own flush does not wait out a backoff.
    expect((await store.flush({ deliver: sendAll })).sent).toBe(1);
    expect(store.get(item!.id).nextAttemptAt).toBeUndefined();
  });

  it("a long Retry-After holds the item until MPSD's time, even for a flush the user asked for", async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const store = openOutboxStore({ dataDir: dir, requestSchema: wireRequestSchema, now: () => clock });
    opened.push(store);
    const [item] = store.enqueue(invites(['1001']));
    const retryAt = '2026-12-02T10:00:00.000Z';
    await store.flush({
      deliver: async () => ({
        result: 'retry-later',
        retryAt,
        status: 429,
        error: { code: 'THROTTLED', message: 'MPSD asked to wait a day.' },
      }),
    });
    expect(store.get(item!.id)).toMatchObject({
      state: 'queued',
      nextAttemptAt: retryAt,
      lastError: { code: 'THROTTLED' },
      attemptLog: [{ status: 429 }],
    });
    expect((await store.flush({ deliver: sendAll })).attempted).toBe(0);
    clock = Date.parse(retryAt);
    expect((await store.flush({ deliver: sendAll })).sent).toBe(1);
  });

  it('an item waiting for the user (token refused, profile gone) is not counted as an attempt and does not back off', async () => {
    const store = open();
    const [item] = store.enqueue(invites(['1001']));
    for (let round = 0; round < 3; round++) {
      await store.flush({
        dueOnly: true,
        deliver: async () => ({ result: 'retry-later', paused: true, error: { code: 'UNAUTHORIZED', message: 'MPSD refused the token.' } }),
      });
    }
    expect(store.get(item!.id)).toMatchObject({ state: 'queued', attempts: 0, lastError: { code: 'UNAUTHORIZED' } });
    expect(store.get(item!.id).nextAttemptAt).toBeUndefined();
    expect(store.get(item!.id).attemptLog).toBeUndefined();
  });
});

describe('a damaged row', () => {
  it('is reported (id, what is wrong) and skipped; the list and the flush go on, and it can be dismissed', async () => {
    const store = open();
    const [first, broken, last] = store.enqueue(invites(['1001', '1002', '1003']));
    const raw = new DatabaseSync(join(dir, 'outbox.sqlite'));
    raw.prepare(`UPDATE outbox SET request_json = '{"method": "POST", "pa' WHERE id = ?`).run(broken!.id);
    raw.close();

    expect(store.list().map((item) => item.id)).toEqual([first!.id, last!.id]);
    expect(store.damaged()).toEqual([{ id: broken!.id, problem: expect.stringMatching(/cannot be read: its request is not valid JSON/) }]);
    const summary = await store.flush({ deliver: sendAll });
    expect(summary).toMatchObject({ attempted: 2, sent: 2, counts: { sending: 0, queued: 1 } });
    expect(summary.warnings).toEqual([expect.objectContaining({ code: 'STORAGE', details: { id: broken!.id } })]);
    store.dismiss(broken!.id);
    expect(store.damaged()).toEqual([]);
  });
});
