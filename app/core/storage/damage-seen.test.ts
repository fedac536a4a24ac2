/**
 * Damage SQLite meets while history is in use: the STORAGE message asks for a restart, and
 * that restart must check the file (no clean close is vouched for) and keep it aside. In its
 * own file because the damage noted stays noted for the rest of the process.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { HandleStudio } from '../handle-studio.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { HISTORY_FILE_NAME } from '../history/history-store.ts';
import { damageHistoryPages, historyClosedCleanly } from './history-damage.fixture.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-damage-seen-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const studioOn = (dataDir: string): Promise<HandleStudio> => openTestStudio(dataDir);

it('a damaged page read while the app runs: STORAGE says restart, and the restart keeps the file aside and says so', async () => {
  historyClosedCleanly(dir);
  const running = await studioOn(dir);
  // The disk damages the file under the running app (opened without a check: it was closed cleanly).
  damageHistoryPages(dir);
  const page = await running.dispatch('listHistory', { limit: 50 });
  expect(page).toMatchObject({ ok: false, error: { code: 'STORAGE', message: expect.stringMatching(/is damaged\. Restart/) as unknown } });
  await running.close();
  expect(existsSync(join(dir, `${HISTORY_FILE_NAME}-clean`))).toBe(false);

  const restarted = await studioOn(dir);
  try {
    const notice = restarted.notices.find((candidate) => candidate.keptAside !== undefined);
    expect(notice?.message).toMatch(/history database was damaged/);
    expect(existsSync(notice?.keptAside ?? '')).toBe(true);
  } finally {
    await restarted.close();
  }
});
