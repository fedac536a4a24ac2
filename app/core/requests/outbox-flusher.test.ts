/**
 * The background flusher against a real outbox on a real disk that fills up: flushes that keep
 * failing are reported once (not swallowed), nothing is lost or sent meanwhile, and the
 * all-clear comes once space is freed and the waiting invite goes out.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppError } from '../../shared/errors.ts';
import { openOutboxStore, type Deliver, type OutboxStore } from '../outbox/outbox-store.ts';
import { mountTmpfs } from '../storage/tmpfs.fixture.ts';
import { startOutboxFlusher, type OutboxFlusher } from './outbox-flusher.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const requestSchema = z.strictObject({ method: z.literal('POST'), path: z.string(), body: z.unknown() });

it('a flush that keeps failing is reported once, and the all-clear once it works again; the invite waits and then goes once', async (context) => {
  const mount = mountTmpfs('4m');
  if ('missing' in mount) return context.skip(`No full disk can be made here: ${mount.missing}`);
  cleanups.push(() => mount.remove());
  const outbox: OutboxStore = openOutboxStore({ dataDir: join(mount.path, 'Handle Studio'), requestSchema });
  cleanups.push(() => outbox.close());
  outbox.enqueue([
    {
      profileId: 'p1',
      kind: 'invite.send',
      invitedXuid: '2814679796296491',
      label: 'Alice',
      request: { method: 'POST', path: '/handles', body: { type: 'invite' } },
    },
  ]);

  const delivered: string[] = [];
  const deliver: Deliver = async (item) => {
    delivered.push(item.invitedXuid ?? '');
    return { result: 'sent' };
  };
  const reports: Array<AppError | null> = [];
  // The real store, with a way to wait for each background flush to end (no waiting on time).
  let flushEnded: () => void = () => undefined;
  const watched: OutboxStore = { ...outbox, flush: (options) => outbox.flush(options).finally(() => flushEnded()) };
  const flushOnce = async () => {
    const ended = new Promise<void>((resolve) => (flushEnded = resolve));
    flusher.poke();
    await ended;
    // The flusher handles the outcome in promise callbacks queued after this one: let them run.
    await new Promise((resolve) => setImmediate(resolve));
  };
  // The timer never fires during the test: each flush is one poke.
  const flusher: OutboxFlusher = startOutboxFlusher(watched, deliver, {
    intervalMs: 3_600_000,
    reportAfter: 3,
    onTrouble: (problem) => reports.push(problem),
  });
  cleanups.push(() => flusher.stop());

  const filler = join(mount.path, 'filler');
  fillDisk(filler);
  await flushOnce();
  await flushOnce();
  expect(reports).toEqual([]);
  await flushOnce();
  expect(reports).toHaveLength(1);
  expect(reports[0]?.code).toBe('STORAGE');
  expect(reports[0]?.message).toMatch(/disk .* is full/);
  // Said once, not at every tick while it lasts.
  await flushOnce();
  await flushOnce();
  expect(reports).toHaveLength(1);
  expect(delivered).toEqual([]);
  expect(outbox.counts()).toMatchObject({ queued: 1, sending: 0 });

  rmSync(filler);
  await flushOnce();
  expect(reports.map((report) => report?.code ?? null)).toEqual(['STORAGE', null]);
  expect(delivered).toEqual(['2814679796296491']);
  expect(outbox.counts()).toMatchObject({ queued: 0, sent: 1 });
});

/** Writes `file` until the disk has no room left. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (;;) writeSync(fd, Buffer.alloc(64 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}
