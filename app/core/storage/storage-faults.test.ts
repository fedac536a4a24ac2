/**
 * Faults of the machine, made for real: a SQLite file with a damaged page, files a newer
 * Handle Studio wrote, a draft row that cannot be read, a data folder that is a file, a
 * disk that fills up (a tiny tmpfs) and a folder that turns read-only (tmpfs remounted
 * read-only). Each must end as words a person can act on (STORAGE, or a start-up notice),
 * with every file kept, never as INTERNAL or a silent fresh start.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { openDraftsStore } from '../drafts/drafts-store.ts';
import type { HandleStudio } from '../handle-studio.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { HISTORY_FILE_NAME, openHistoryStore } from '../history/history-store.ts';
import { OUTBOX_FILE_NAME } from '../outbox/outbox-file.ts';
import { mountTmpfs, type Tmpfs } from './tmpfs.fixture.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'handle-studio-faults-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function studioOn(dataDir: string): Promise<HandleStudio> {
  const studio = await openTestStudio(dataDir);
  cleanups.push(() => void studio.close());
  return studio;
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function failure(promise: Promise<unknown>): Promise<HandleStudioError> {
  const thrown = await promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(HandleStudioError);
  return thrown as HandleStudioError;
}

const draft = (name: string, notes = '') => ({ name, kind: 'invite.send' as const, fields: { sessionName: notes || 'lobby' } });

describe('a damaged SQLite file', () => {
  it('is found at open by quick_check even when SQLite opens it happily, kept aside byte for byte, and reported', async () => {
    const dataDir = tempDir();
    const path = join(dataDir, HISTORY_FILE_NAME);
    const db = new DatabaseSync(path);
    db.exec('PRAGMA page_size = 4096; CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT);');
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
    db.exec('BEGIN');
    for (let n = 0; n < 400; n += 1) insert.run('x'.repeat(200));
    db.exec('COMMIT');
    db.close();
    // Scribble over one page in the middle of the table, as a bad sector or a torn copy would.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * 10);
    closeSync(fd);
    const damagedBytes = sha(path);

    const studio = await studioOn(dataDir);
    const notice = studio.notices.find((candidate) => /history database was damaged/.test(candidate.message));
    expect(notice, JSON.stringify(studio.notices)).toBeDefined();
    expect(notice!.keptAside).toMatch(/history\.sqlite\.damaged-/);
    expect(notice!.message).toContain(notice!.keptAside);
    expect(sha(notice!.keptAside!)).toBe(damagedBytes);
    // History works again, on a fresh file.
    const listed = await studio.dispatch('listHistory', { limit: 10 });
    expect(listed).toMatchObject({ ok: true, value: { entries: [] } });
  });
});

describe('files a newer Handle Studio wrote', () => {
  it('outbox.sqlite (drafts), history.sqlite and presets.json open read-only: readable, never rewritten, writes say to update', async () => {
    const dataDir = tempDir();
    // This version's files with a draft in them, then "upgraded" by a newer build.
    const first = openDraftsStore({ dataDir });
    first.save(draft('Kept from before'));
    first.close();
    openHistoryStore({ dataDir }).close();
    for (const file of [OUTBOX_FILE_NAME, HISTORY_FILE_NAME]) {
      const db = new DatabaseSync(join(dataDir, file));
      db.exec('PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; PRAGMA user_version = 99');
      db.close();
    }
    writeFileSync(join(dataDir, 'presets.json'), JSON.stringify({ schemaVersion: 9, presets: [] }));
    const before = {
      outbox: sha(join(dataDir, OUTBOX_FILE_NAME)),
      history: sha(join(dataDir, HISTORY_FILE_NAME)),
      presets: sha(join(dataDir, 'presets.json')),
    };

    const studio = await studioOn(dataDir);
    const messages = studio.notices.map((notice) => notice.message).join('\n');
    expect(messages).toMatch(
      /outbox database was written by a newer version of Handle Studio \(schema 99[\s\S]*read-only: update Handle Studio/,
    );
    expect(messages).toMatch(/history database was written by a newer version of Handle Studio \(schema 99/);
    expect(messages).toMatch(/presets\.json was written by a newer Handle Studio \(file version 9\); update Handle Studio/);

    const listed = await studio.dispatch('listDrafts', {});
    expect(listed).toMatchObject({ ok: true, value: { drafts: [expect.objectContaining({ name: 'Kept from before' })] } });
    const saved = await studio.dispatch('saveDraft', draft('New'));
    expect(saved).toMatchObject({
      ok: false,
      error: { code: 'STORAGE', message: expect.stringMatching(/newer version of Handle Studio[\s\S]*update Handle Studio/) },
    });
    // History does not put its own write failures in words: the safety net under every channel does.
    const retention = await studio.dispatch('setHistoryRetention', { maxEntries: 10 });
    expect(retention).toMatchObject({
      ok: false,
      error: {
        code: 'STORAGE',
        message: expect.stringMatching(/history database was written by a newer version[\s\S]*update Handle Studio/),
      },
    });
    expect(await studio.dispatch('listHistory', { limit: 10, search: 'abc' })).toMatchObject({ ok: true });
    await studio.close();
    expect({
      outbox: sha(join(dataDir, OUTBOX_FILE_NAME)),
      history: sha(join(dataDir, HISTORY_FILE_NAME)),
      presets: sha(join(dataDir, 'presets.json')),
    }).toEqual(before);
  });

  it('an outbox.sqlite a newer build wrote, holding an item a dead process left mid-send, is STORAGE saying to update, and is left as it was', async () => {
    const dataDir = tempDir();
    openDraftsStore({ dataDir }).close();
    const db = new DatabaseSync(join(dataDir, OUTBOX_FILE_NAME));
    // The outbox settles such an item at open, which is a write this build must not make to a newer file.
    db.prepare(
      `INSERT INTO outbox (id, created_at, profile_id, kind, request_json, state, updated_at) VALUES ('item', 1, 'p', 'invite.send', '{}', 'sending', 1)`,
    ).run();
    db.exec('PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; PRAGMA user_version = 99');
    db.close();
    const before = sha(join(dataDir, OUTBOX_FILE_NAME));

    const error = await failure(studioOn(dataDir));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(/outbox database was written by a newer version of Handle Studio \(schema 99[\s\S]*update Handle Studio/);
    expect(sha(join(dataDir, OUTBOX_FILE_NAME))).toBe(before);
  });
});

describe('one draft row that cannot be read', () => {
  it('is left out of the list and named at start-up, kept in the file, and opening it is STORAGE (not INTERNAL)', async () => {
    const dataDir = tempDir();
    const drafts = openDraftsStore({ dataDir });
    const good = drafts.save(draft('Good'));
    const bad = drafts.save(draft('Torn'));
    drafts.close();
    const db = new DatabaseSync(join(dataDir, OUTBOX_FILE_NAME));
    db.prepare('UPDATE drafts SET fields_json = ? WHERE id = ?').run('{"sessionName": "lob', bad.id);
    db.close();

    const studio = await studioOn(dataDir);
    expect(studio.notices.map((notice) => notice.message)).toContainEqual(
      expect.stringMatching(/1 draft\(s\) cannot be read[\s\S]*"Torn" \(its saved form is not valid JSON\)[\s\S]*kept/),
    );
    expect(await studio.dispatch('listDrafts', {})).toMatchObject({
      ok: true,
      value: { drafts: [expect.objectContaining({ id: good.id })] },
    });
    expect(await studio.dispatch('getDraft', { id: bad.id })).toMatchObject({
      ok: false,
      error: { code: 'STORAGE', message: expect.stringMatching(/"Torn" cannot be read[\s\S]*kept/) },
    });
    await studio.close();
    const check = new DatabaseSync(join(dataDir, OUTBOX_FILE_NAME));
    expect(check.prepare('SELECT COUNT(*) AS n FROM drafts').get()).toEqual({ n: 2 });
    check.close();
  });
});

describe('one history row that cannot be read', () => {
  it('is STORAGE naming the entry, and the rest of history still lists and opens', async () => {
    const dataDir = tempDir();
    const history = openHistoryStore({ dataDir });
    const entry = (n: number) => ({
      at: new Date(Date.parse('2026-05-01T10:00:00Z') + n * 1000).toISOString(),
      profileId: 'p1',
      profileName: 'Dev',
      sandbox: 'XDKS.1',
      kind: 'invite.send' as const,
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby' },
      invitedXuid: `281467979629640${n}`,
      request: {
        method: 'POST' as const,
        url: 'https://sessiondirectory.xboxlive.com/handles',
        headers: { 'x-xbl-contract-version': '107' },
        body: '{}',
      },
      response: { status: 201, headers: {}, body: '{}' },
      durationMs: 5,
    });
    const good = history.append(entry(1));
    const torn = history.append(entry(2));
    history.close();
    const db = new DatabaseSync(join(dataDir, HISTORY_FILE_NAME));
    db.prepare('UPDATE history SET request_json = ? WHERE id = ?').run('{"method":"PO', torn.id);
    db.close();

    const studio = await studioOn(dataDir);
    expect(await studio.dispatch('getHistoryEntry', { id: torn.id })).toMatchObject({
      ok: false,
      error: {
        code: 'STORAGE',
        message: expect.stringMatching(
          new RegExp(`History entry ${torn.id} .* is damaged: its stored request cannot be read\\. It is kept`),
        ),
      },
    });
    expect(await studio.dispatch('getHistoryEntry', { id: good.id })).toMatchObject({ ok: true });
    expect(await studio.dispatch('listHistory', { limit: 10 })).toMatchObject({
      ok: true,
      value: { entries: [expect.anything(), expect.anything()] },
    });
  });
});

describe('a data folder that is a file', () => {
  it('is STORAGE naming the folder and the fix', async () => {
    const file = join(tempDir(), 'data');
    writeFileSync(file, 'not a folder');
    const error = await failure(studioOn(file));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(/data folder .* is a file, not a folder: move that file away, or set HANDLE_STUDIO_DATA_DIR/);
  });
});

/** A tmpfs of `size` mounted for this test (unmounted after it), or why it cannot be. */
function tmpfs(size: string): Tmpfs | { missing: string } {
  const mount = mountTmpfs(size);
  if ('path' in mount) cleanups.push(() => mount.remove());
  return mount;
}

describe('a disk that fills up', () => {
  it('every store answers STORAGE "the disk holding <folder> is full", and works again, with nothing lost, once space is freed', async (context) => {
    const mount = tmpfs('3m');
    if ('missing' in mount) return context.skip(`No full disk can be made here: ${mount.missing}`);
    const dataDir = join(mount.path, 'Handle Studio');
    const studio = await studioOn(dataDir);
    const kept = await studio.dispatch('saveDraft', draft('Before the disk filled'));
    expect(kept.ok).toBe(true);
    const profile = await studio.dispatch('saveProfile', { name: 'Dev', environment: 'production', sandboxId: 'XDKS.1' });
    expect(profile.ok).toBe(true);

    // Fill what is left of the disk.
    const filler = join(mount.path, 'filler');
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(64 * 1024));
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }

    const full = new RegExp(`The disk holding ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full: free some space and try again`);
    const answers = {
      draft: await studio.dispatch('saveDraft', draft('Big', 'z'.repeat(40))),
      drafts: await studio.dispatch('saveDraft', {
        name: 'Many',
        kind: 'invite.send',
        fields: Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`f${n}`, 'y'.repeat(1000)])),
      }),
      profile: await studio.dispatch('saveProfile', { name: 'QA', environment: 'production', sandboxId: 'XDKS.1' }),
      preset: await studio.dispatch('createPreset', {
        name: 'Lobby',
        sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby' },
        inviteAttributes: { titleId: '0x4D2', context: 'map=dust', contextString: '' },
        recipients: [{ label: 'A', xuid: '2814679796296491' }],
        joinAndSetActivityFirst: false,
        notes: 'n'.repeat(2000),
      }),
    };
    for (const [what, answer] of Object.entries(answers)) {
      if (answer.ok) continue; // A small write can still fit in a page SQLite already has.
      expect(answer, what).toMatchObject({ ok: false, error: { code: 'STORAGE', message: expect.stringMatching(full) } });
    }
    // The large draft and the profiles file (rewritten whole) cannot fit; neither may be INTERNAL.
    expect(answers.drafts.ok).toBe(false);
    expect(answers.profile.ok).toBe(false);

    rmSync(filler);
    expect(await studio.dispatch('saveDraft', draft('After'))).toMatchObject({ ok: true });
    expect(await studio.dispatch('saveProfile', { name: 'QA', environment: 'production', sandboxId: 'XDKS.1' })).toMatchObject({
      ok: true,
    });
    const listed = await studio.dispatch('listDrafts', {});
    expect(listed).toMatchObject({
      ok: true,
      value: {
        drafts: expect.arrayContaining([
          expect.objectContaining({ name: 'Before the disk filled' }),
          expect.objectContaining({ name: 'After' }),
        ]),
      },
    });
  });
});

describe('a data folder on a disk that turns read-only', () => {
  it('is STORAGE saying the folder cannot be written, and every file is left as it was', async (context) => {
    const mount = tmpfs('8m');
    if ('missing' in mount) return context.skip(`No read-only disk can be made here: ${mount.missing}`);
    const dataDir = join(mount.path, 'Handle Studio');
    const first = await studioOn(dataDir);
    expect(await first.dispatch('saveDraft', draft('Kept'))).toMatchObject({ ok: true });
    await first.close();
    mount.readOnly(true);
    cleanups.push(() => mount.readOnly(false));
    const outbox = sha(join(dataDir, OUTBOX_FILE_NAME));

    const error = await failure(studioOn(dataDir));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(
      /cannot write to .*Handle Studio \(the disk is mounted read-only, or the folder or .* is not writable for you\): make it writable/,
    );
    expect(sha(join(dataDir, OUTBOX_FILE_NAME))).toBe(outbox);
    expect(existsSync(join(dataDir, `${OUTBOX_FILE_NAME}.damaged`))).toBe(false);
    expect(statSync(dataDir).isDirectory()).toBe(true);
  });
});
