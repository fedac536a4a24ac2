/**
 * history.sqlite's integrity check at open runs only when the file is not exactly as a clean
 * close left it (see the top of sqlite-file.ts), and a damaged history is still kept aside
 * and reported.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openTestStudio } from '../test-studio.fixture.ts';
import { HISTORY_FILE_NAME, openHistoryStore, type HistoryStore } from '../history/history-store.ts';
import { damageHistoryPages, historyClosedCleanly } from './history-damage.fixture.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-clean-close-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** How many quick_checks `work` ran, on any file. */
function quickChecksDuring(work: () => void): number {
  const prepare = vi.spyOn(DatabaseSync.prototype, 'prepare');
  try {
    work();
    return prepare.mock.calls.filter(([sql]) => /quick_check/.test(String(sql))).length;
  } finally {
    prepare.mockRestore();
  }
}

it('skips the check after a clean close, and checks again after a run that did not close', () => {
  historyClosedCleanly(dir);
  const mark = join(dir, `${HISTORY_FILE_NAME}-clean`);
  expect(existsSync(mark)).toBe(true);

  // As the last clean close left it: no check, and the mark is used up while the file is open.
  const stores: HistoryStore[] = [];
  expect(quickChecksDuring(() => stores.push(openHistoryStore({ dataDir: dir })))).toBe(0);
  expect(existsSync(mark)).toBe(false);

  // That run never closes (as if killed): the next open finds no mark and checks.
  expect(quickChecksDuring(() => stores.push(openHistoryStore({ dataDir: dir })))).toBe(1);
  for (const store of stores) store.close();
  expect(existsSync(mark)).toBe(true);
});

it('a history damaged after a clean close is still kept aside and reported, even with its mtime put back', async () => {
  historyClosedCleanly(dir);
  damageHistoryPages(dir);
  const studio = await openTestStudio(dir);
  try {
    const notice = studio.notices.find((candidate) => candidate.keptAside !== undefined);
    expect(notice?.message).toMatch(/history database was damaged/);
    expect(notice?.keptAside).toMatch(/history\.sqlite\.damaged-/);
    expect(existsSync(notice?.keptAside ?? '')).toBe(true);
  } finally {
    await studio.close();
  }
});
