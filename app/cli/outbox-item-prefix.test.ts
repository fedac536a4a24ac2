/**
 * `outbox reassign ITEM` and `outbox dismiss ITEM` take the start of an item's id, as git takes
 * the start of a commit hash: enough of it to name one item. A start two items share, or one too
 * short to trust, is refused with what to type instead, and nothing is moved or dismissed. Ids
 * are rewritten in the outbox file (as two items that happen to share a start would be).
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, it } from 'vitest';
import { OUTBOX_FILE_NAME } from '../core/outbox/outbox-file.ts';
import { useCliWorld } from './cli-world.fixture.ts';
import { queuedInviteArgs } from './queued-invite.fixture.ts';

const world = useCliWorld({ mpsd: true });
const { cli, addProfile } = world;

/** Queues one invite per XUID as `profile`, which has no token, so nothing is sent. */
async function queueInvites(profile: string, count: number): Promise<void> {
  const xuids = Array.from({ length: count }, (_, n) => world.user(n + 1).xuid);
  const queued = await cli(queuedInviteArgs('lobby-prefix', profile, xuids));
  expect(queued.code, queued.stderr).toBe(0);
}

async function listed(): Promise<{ id: string; profileName?: string }[]> {
  const run = await cli(['outbox', 'list', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { items: { id: string; profileName?: string }[] }).items;
}

/** Runs `use` on the outbox file itself, as another tool (or a newer build) would write it. */
function inOutboxFile(use: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(join(world.dataDir, OUTBOX_FILE_NAME));
  try {
    use(db);
  } finally {
    db.close();
  }
}

const FIRST = 'c0ffee11-0000-4000-8000-000000000001';
const SECOND = 'c0ffee12-0000-4000-8000-000000000002';

it('a start of an id that names one item dismisses or moves it; a shared or too short start is refused, changing nothing', async () => {
  await addProfile('later', world.mpsd.url);
  await addProfile('other', world.mpsd.url);
  await queueInvites('later', 3);
  const [first, second, third] = await listed();
  if (first === undefined || second === undefined || third === undefined) throw new Error('Three invites were queued: three items.');
  inOutboxFile((db) => {
    const rename = db.prepare('UPDATE outbox SET id = ? WHERE id = ?');
    expect(rename.run(FIRST, first.id).changes).toBe(1);
    expect(rename.run(SECOND, second.id).changes).toBe(1);
  });

  const sharedMessage = `ITEM "c0ffee" is the start of 2 outbox items' ids (${FIRST}, ${SECOND}): give more of the id, so it names one.`;
  const sharedDismiss = await cli(['outbox', 'dismiss', 'c0ffee']);
  expect(sharedDismiss.code).toBe(3);
  expect(sharedDismiss.stderr).toContain(sharedMessage);
  const sharedMove = await cli(['outbox', 'reassign', 'c0ffee', '--profile', 'other']);
  expect(sharedMove.code).toBe(3);
  expect(sharedMove.stderr).toContain(sharedMessage);
  const short = await cli(['outbox', 'dismiss', 'c0ff']);
  expect(short.code).toBe(3);
  expect(short.stderr).toContain(
    'ITEM "c0ff" is too short to pick an outbox item: give at least 6 characters of its id, or all of it (`handle-studio outbox list` shows them).',
  );
  expect((await listed()).map((item) => [item.id, item.profileName])).toEqual([
    [FIRST, 'later'],
    [SECOND, 'later'],
    [third.id, 'later'],
  ]);

  // Enough to tell them apart, in either case: that one item, and only it.
  const moved = await cli(['outbox', 'reassign', 'C0FFEE12', '--profile', 'other', '--json']);
  expect(moved.code, moved.stderr).toBe(0);
  expect((JSON.parse(moved.stdout) as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([SECOND]);
  const dismissed = await cli(['outbox', 'dismiss', 'c0ffee11']);
  expect(dismissed.code, dismissed.stderr).toBe(0);
  expect(dismissed.stdout).toContain(`Dismissed ${FIRST}.`);
  const byItsStart = await cli(['outbox', 'dismiss', third.id.slice(0, 6), '--json']);
  expect(byItsStart.code, byItsStart.stderr).toBe(0);
  expect(JSON.parse(byItsStart.stdout)).toMatchObject({ ok: true, id: third.id });
  expect((await listed()).map((item) => [item.id, item.profileName])).toEqual([[SECOND, 'other']]);

  // A start no item has is core's to answer, as a whole id that is not there is.
  const gone = await cli(['outbox', 'dismiss', 'c0ffee11']);
  expect(gone.code).toBe(5);
  expect(gone.stderr).toContain('No outbox item with id c0ffee11: it may have been dismissed.');
});

it('past the 1000 items one listing holds, a start of an id is refused and the whole id still works', async () => {
  await addProfile('later', world.mpsd.url);
  await queueInvites('later', 1);
  const [item] = await listed();
  if (item === undefined) throw new Error('One invite was queued: one item.');
  inOutboxFile((db) => {
    const columns = (db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[])
      .map((column) => column.name)
      .filter((name) => name !== 'seq' && name !== 'id');
    const copies = db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
       INSERT INTO outbox (id, ${columns.join(', ')}) SELECT 'filler-' || i, ${columns.join(', ')} FROM n, outbox WHERE outbox.id = ?`,
    );
    expect(copies.run(item.id).changes).toBe(1000);
  });

  const refused = await cli(['outbox', 'dismiss', item.id.slice(0, 8)]);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain(
    "The outbox holds more than 1000 items, so the start of an id cannot be checked against all of them: give the item's whole id",
  );
  const whole = await cli(['outbox', 'dismiss', item.id]);
  expect(whole.code, whole.stderr).toBe(0);
  expect(whole.stdout).toContain(`Dismissed ${item.id}.`);
});
