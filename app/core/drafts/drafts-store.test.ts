import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as z from '../../shared/zod.ts';
import { draftChannels } from '../../shared/contract/drafts.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { openOutboxStore } from '../outbox/outbox-store.ts';
import { createDraftHandlers } from './drafts-handlers.ts';
import type { DraftsStore } from './drafts-store.ts';
import { openDraftsStore } from './drafts-store.ts';

let dir: string;
let clock: number;
const opened: (DraftsStore | OutboxStore)[] = [];

function open(): DraftsStore {
  const store = openDraftsStore({ dataDir: dir, now: () => clock });
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-drafts-'));
  clock = Date.parse('2026-03-01T10:00:00Z');
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('saves an incomplete form, updates it as the user types, and keeps it across a restart', () => {
  const store = open();
  const draft = store.save({
    name: 'Friday playtest',
    kind: 'invite.send',
    fields: { scid: 'bd6c41c3', invitedXuids: ['2814679796296491', ''] },
  });
  expect(draft.id).toMatch(/^[0-9a-f-]{36}$/);
  clock += 1000;
  store.save({
    id: draft.id,
    name: 'Friday playtest',
    kind: 'invite.send',
    fields: { scid: 'bd6c41c3-01c3', invitedXuids: ['2814679796296491'], joinFirst: true },
  });
  store.close();

  const reopened = open();
  expect(reopened.list()).toEqual([
    {
      id: draft.id,
      name: 'Friday playtest',
      kind: 'invite.send',
      fields: { scid: 'bd6c41c3-01c3', invitedXuids: ['2814679796296491'], joinFirst: true },
      profileId: undefined,
      updatedAt: '2026-03-01T10:00:01.000Z',
    },
  ]);
});

it('does not rewrite a draft whose form did not change', () => {
  const store = open();
  const draft = store.save({ name: 'Lobby', kind: 'activity.set', fields: { name: 'lobby-7' } });
  clock += 60_000;
  const again = store.save({ id: draft.id, name: 'Lobby', kind: 'activity.set', fields: { name: 'lobby-7' } });
  expect(again.updatedAt).toBe(draft.updatedAt);
  expect(store.get(draft.id).updatedAt).toBe(draft.updatedAt);
});

it('lists the most recently changed first, renames and deletes', () => {
  const store = open();
  const a = store.save({ name: 'A', kind: 'activity.set', fields: {} });
  clock += 1000;
  const b = store.save({ name: 'B', kind: 'invite.send', fields: {}, profileId: 'profile-1' });
  expect(store.list().map((d) => d.name)).toEqual(['B', 'A']);
  clock += 1000;
  expect(store.rename(a.id, '  Renamed  ').name).toBe('Renamed');
  expect(store.list().map((d) => d.name)).toEqual(['Renamed', 'B']);
  expect(store.delete(b.id)).toBe(true);
  expect(store.delete(b.id)).toBe(false);
  expect(() => store.get(b.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
});

it('refuses bad drafts with a message naming the field', () => {
  const store = open();
  expect(() => store.save({ name: '   ', kind: 'invite.send', fields: {} })).toThrow(/name: Draft name is required/);
  expect(() => store.save({ name: 'x', kind: 'invite.sned' as never, fields: {} })).toThrow(/kind: Draft kind must be one of/);
  expect(() => store.save({ name: 'x', kind: 'invite.send', fields: { n: 5 as never } })).toThrow(/text, a list of texts, or true\/false/);
  expect(() => store.rename('missing', 'New')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  expect(store.list()).toEqual([]);
});

it('shares outbox.sqlite with the outbox without either getting in the way of the other', async () => {
  const drafts = open();
  const outbox = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  opened.push(outbox);
  outbox.enqueue([{ profileId: 'p1', kind: 'activity.set', request: { path: '/handles' } }]);
  const draft = drafts.save({ name: 'Kept', kind: 'activity.set', fields: {} });
  await outbox.flush({ deliver: async () => ({ result: 'sent' }) });
  expect(drafts.get(draft.id).name).toBe('Kept');
  expect(outbox.counts().sent).toBe(1);
});

it('answers the drafts channels with outputs that pass the contract', async () => {
  const handlers = createDraftHandlers({ drafts: open() });
  const saved = draftChannels.saveDraft.output.parse(
    await handlers.saveDraft(draftChannels.saveDraft.input.parse({ name: 'Via IPC', kind: 'handle.get', fields: { handleId: '' } })),
  );
  expect(draftChannels.listDrafts.output.parse(await handlers.listDrafts({})).drafts.map((d) => d.id)).toEqual([saved.id]);
  expect(await handlers.deleteDraft({ id: saved.id })).toEqual({ deleted: true });
  expect(draftChannels.saveDraft.input.safeParse({ name: 'x', kind: 'handle.get', fields: {}, extra: 1 }).success).toBe(false);
});
