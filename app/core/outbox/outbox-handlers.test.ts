import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from '../../shared/zod.ts';
import { outboxChannels } from '../../shared/contract/outbox.ts';
import { createOutboxHandlers, type OutboxProfile } from './outbox-handlers.ts';
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
    profile: () => undefined,
  });
  const listed = outboxChannels.listOutbox.output.parse(await handlers.listOutbox({}));
  expect(listed.counts.queued).toBe(1);
  const flushed = outboxChannels.flushOutbox.output.parse(await handlers.flushOutbox({}));
  expect(flushed).toMatchObject({ outcomeUnknown: 1, counts: { 'outcome-unknown': 1 } });
  expect((await handlers.requeueOutboxItem({ id: item!.id })).state).toBe('queued');
  expect(await handlers.dismissOutboxItem({ id: item!.id })).toMatchObject({ counts: { queued: 0 } });
  expect(outboxChannels.listOutbox.input.safeParse({ states: ['lost'] }).success).toBe(false);
});

describe('items whose profile is gone', () => {
  /** The profiles that exist now; the test removes one to make its items orphans. */
  let profiles: Map<string, OutboxProfile>;
  let named: OutboxStore;
  const delivered: { id: string; profileId: string }[] = [];

  beforeEach(() => {
    profiles = new Map([
      ['q2-old', { id: 'q2-old', name: 'q2', service: 'mpsd' }],
      ['mpa-old', { id: 'mpa-old', name: 'activity', service: 'mpa' }],
    ]);
    delivered.length = 0;
    // A second store on the same file, naming the profiles as the app does.
    named = openOutboxStore({ dataDir: dir, requestSchema: z.unknown(), profileNameOf: (id) => profiles.get(id)?.name });
  });
  afterEach(() => named.close());

  const handlersNow = () =>
    createOutboxHandlers({
      outbox: named,
      deliver: async (item) => {
        delivered.push({ id: item.id, profileId: item.profileId });
        return { result: 'sent' };
      },
      profile: (id) => profiles.get(id),
    });
  const invite = (profileId: string, xuid: string) => ({
    profileId,
    kind: 'invite.send' as const,
    invitedXuid: xuid,
    request: { path: '/handles' },
  });

  it('are listed by the name they were queued with, and every one of them is sent as the profile picked, once', async () => {
    const [first, second] = named.enqueue([invite('q2-old', '2814660000000002'), invite('q2-old', '2814660000000003')]);
    profiles.delete('q2-old');
    profiles.set('q2-new', { id: 'q2-new', name: 'q2', service: 'mpsd' });
    const handlers = handlersNow();
    const listed = await handlers.listOutbox({});
    expect(listed.items.map((item) => [item.profileName, item.profileMissing])).toEqual([
      ['q2', true],
      ['q2', true],
    ]);

    const moved = outboxChannels.reassignOutboxItems.output.parse(
      await handlers.reassignOutboxItems({ profileId: 'q2-new', fromMissingProfiles: true }),
    );
    expect(moved.items.map((item) => [item.id, item.profileId, item.profileName, item.profileMissing])).toEqual([
      [first!.id, 'q2-new', 'q2', undefined],
      [second!.id, 'q2-new', 'q2', undefined],
    ]);
    expect(moved.skipped).toEqual([]);
    expect(await handlers.flushOutbox({})).toMatchObject({ sent: 2, attempted: 2 });
    expect(delivered).toEqual([
      { id: first!.id, profileId: 'q2-new' },
      { id: second!.id, profileId: 'q2-new' },
    ]);
  });

  it('goes only to a profile that exists and serves the same service; other-service orphans are left and named', async () => {
    const [mpsdItem] = named.enqueue([invite('q2-old', '2814660000000002')]);
    const [mpaItem] = named.enqueue([{ profileId: 'mpa-old', kind: 'mpa.invite.send', request: { path: '/x' } }]);
    profiles.delete('q2-old');
    profiles.delete('mpa-old');
    profiles.set('dev', { id: 'dev', name: 'dev', service: 'mpsd' });
    const handlers = handlersNow();

    await expect(handlers.reassignOutboxItems({ profileId: 'nobody', ids: [mpsdItem!.id] })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(handlers.reassignOutboxItems({ profileId: 'dev', ids: [mpsdItem!.id, mpaItem!.id] })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/is an MPA call, and profile "dev" talks to MPSD.*Nothing was moved/),
    });
    expect(named.get(mpsdItem!.id).profileId).toBe('q2-old');
    await expect(handlers.reassignOutboxItems({ profileId: 'dev' })).rejects.toMatchObject({ code: 'VALIDATION' });

    const moved = await handlers.reassignOutboxItems({ profileId: 'dev', fromMissingProfiles: true });
    expect(moved.items.map((item) => item.id)).toEqual([mpsdItem!.id]);
    expect(moved.skipped).toEqual([{ id: mpaItem!.id, reason: 'an MPA call; profile "dev" talks to MPSD' }]);
    expect(named.get(mpaItem!.id).profileId).toBe('mpa-old');
  });

  it('never moves an item whose outcome is unknown or that is being sent, and moves none of a batch holding one', async () => {
    const [queued, unknown, sending] = named.enqueue([
      invite('q2-old', '2814660000000002'),
      invite('q2-old', '2814660000000003'),
      invite('q2-old', '2814660000000004'),
    ]);
    // One attempt whose answer never came (it may have gone out), and one claimed by a sender right now.
    expect(named.claim(unknown!.id)).toBe(true);
    named.settle(unknown!.id, { result: 'outcome-unknown', error: { code: 'TIMEOUT', message: 'No answer.' } });
    expect(named.claim(sending!.id)).toBe(true);
    profiles.delete('q2-old');
    profiles.set('dev', { id: 'dev', name: 'dev', service: 'mpsd' });
    const handlers = handlersNow();

    for (const id of [unknown!.id, sending!.id]) {
      await expect(handlers.reassignOutboxItems({ profileId: 'dev', ids: [queued!.id, id] })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/so it was not moved; nothing was/),
      });
    }
    expect([queued, unknown, sending].map((item) => named.get(item!.id).profileId)).toEqual(['q2-old', 'q2-old', 'q2-old']);
    // "Every orphan" means every queued one: the others stay with the user's decision.
    const moved = await handlers.reassignOutboxItems({ profileId: 'dev', fromMissingProfiles: true });
    expect(moved.items.map((item) => item.id)).toEqual([queued!.id]);
    expect(named.get(unknown!.id)).toMatchObject({ state: 'outcome-unknown', profileId: 'q2-old' });
  });
});
