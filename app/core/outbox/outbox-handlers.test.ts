import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as z from '../../shared/zod.ts';
import { outboxChannels } from '../../shared/contract/outbox.ts';
import { createOutboxHandlers } from './outbox-handlers.ts';
import type { OutboxStore } from './outbox-store.ts';
import { openOutboxStore } from './outbox-store.ts';

let dir: string;
let store: OutboxStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-outbox-handlers-'));
  store = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('lists, flushes, requeues and dismisses through the contract', async () => {
  const [item] = store.enqueue([{ profileId: 'p1', kind: 'invite.send', invitedXuid: '2814679796296491', request: { path: '/handles' } }]);
  const handlers = createOutboxHandlers({
    outbox: store,
    deliver: async () => ({ result: 'outcome-unknown', error: { code: 'TIMEOUT', message: 'No answer within 30 s.' } }),
  });
  const listed = outboxChannels.listOutbox.output.parse(await handlers.listOutbox({}));
  expect(listed.counts.queued).toBe(1);
  const flushed = outboxChannels.flushOutbox.output.parse(await handlers.flushOutbox({}));
  expect(flushed).toMatchObject({ outcomeUnknown: 1, counts: { 'outcome-unknown': 1 } });
  expect((await handlers.requeueOutboxItem({ id: item!.id })).state).toBe('queued');
  expect(await handlers.dismissOutboxItem({ id: item!.id })).toMatchObject({ counts: { queued: 0 } });
  expect(outboxChannels.listOutbox.input.safeParse({ states: ['lost'] }).success).toBe(false);
});
