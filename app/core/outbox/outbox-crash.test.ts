/**
 * The real thing: a separate Node process flushes the outbox against a loopback server and
 * is killed with SIGKILL while a request is out. Reopening must not send anything twice and
 * must say truthfully what happened to each item.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as z from '../../shared/zod.ts';
import type { CountingServer } from './counting-server.fixture.ts';
import { startCountingServer } from './counting-server.fixture.ts';
import type { OutboxStore } from './outbox-store.ts';
import { openOutboxStore } from './outbox-store.ts';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const CHILD = join(import.meta.dirname, 'flush-child.fixture.ts');

let dir: string;
let server: CountingServer;
let child: ChildProcess | undefined;
let store: OutboxStore | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-outbox-kill-'));
  server = await startCountingServer();
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  store?.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('kill -9 during a flush: nothing is sent twice and every item says what really happened', async () => {
  const setup = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  const items = setup.enqueue(
    ['1001', '1002', '1003', '1004', '1005'].map((xuid) => ({
      profileId: 'p1',
      kind: 'invite.send' as const,
      invitedXuid: xuid,
      request: { method: 'POST', path: '/handles', body: { invitedXuid: xuid } },
    })),
  );
  setup.close();

  // The third request reaches the server and is never answered; the child dies waiting for it.
  server.holdRequestNumber = 3;
  child = spawn(NODE, [CHILD, dir, server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
  await Promise.race([
    server.held,
    exited.then(() => {
      throw new Error(`The child exited before the third request: ${stderr}`);
    }),
  ]);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  store = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  expect(store.status.interruptedAtOpen).toBe(1);
  const states = items.map((item) => store!.get(item.id).state);
  expect(states).toEqual(['sent', 'sent', 'outcome-unknown', 'queued', 'queued']);
  expect(store.get(items[0]!.id).handleId).toBe(`handle-for-${items[0]!.id}`);

  // Flushing again from this process sends only what never went out.
  server.holdRequestNumber = undefined;
  await store.flush({
    deliver: async (item) => {
      const response = await fetch(server.url, { method: 'POST', body: JSON.stringify({ itemId: item.id }) });
      const answer = (await response.json()) as { handleId: string };
      return { result: 'sent', handleId: answer.handleId };
    },
  });
  const perItem = new Map<string, number>();
  for (const id of server.received) perItem.set(id, (perItem.get(id) ?? 0) + 1);
  expect([...perItem.values()].every((count) => count === 1)).toBe(true);
  expect(server.received).toEqual(items.map((item) => item.id));
  expect(items.map((item) => store!.get(item.id).state)).toEqual(['sent', 'sent', 'outcome-unknown', 'sent', 'sent']);
});

it("another process opening and listing the outbox mid-flush leaves the sender's row alone, and the sender's result lands", async () => {
  const setup = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  const items = setup.enqueue(
    ['1001', '1002', '1003'].map((xuid) => ({
      profileId: 'p1',
      kind: 'invite.send' as const,
      invitedXuid: xuid,
      request: { method: 'POST', path: '/handles', body: { invitedXuid: xuid } },
    })),
  );
  setup.close();

  server.holdRequestNumber = 2;
  child = spawn(NODE, [CHILD, dir, server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
  await server.held;

  // A second, live process (this one) opens the outbox and lists it while the child waits for MPSD.
  store = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  expect(store.status.interruptedAtOpen).toBe(0);
  expect(store.list().map((item) => item.state)).toEqual(['sent', 'sending', 'queued']);

  server.release();
  expect(await exited, stderr).toBe(0);
  expect(items.map((item) => store!.get(item.id).state)).toEqual(['sent', 'sent', 'sent']);
  expect(store.get(items[1]!.id).handleId).toBe(`handle-for-${items[1]!.id}`);
  expect(server.received).toEqual(items.map((item) => item.id));
});

it("two processes flushing the same outbox at once: each item is sent once, and neither relabels the other's", async () => {
  const setup = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  const items = setup.enqueue(
    ['1001', '1002', '1003', '1004', '1005', '1006'].map((xuid) => ({
      profileId: 'p1',
      kind: 'invite.send' as const,
      invitedXuid: xuid,
      request: { method: 'POST', path: '/handles', body: { invitedXuid: xuid } },
    })),
  );
  setup.close();

  server.answerDelayMs = 150;
  const children = [0, 1].map(() => spawn(NODE, [CHILD, dir, server.url], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const codes = await Promise.all(
    children.map((flusher) => new Promise<number | null>((resolve) => flusher.on('exit', (code) => resolve(code)))),
  );
  expect(codes).toEqual([0, 0]);

  store = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  expect(items.map((item) => store!.get(item.id).state)).toEqual(items.map(() => 'sent'));
  expect([...server.received].sort()).toEqual(items.map((item) => item.id).sort());
});
