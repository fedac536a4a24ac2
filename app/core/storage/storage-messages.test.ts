/**
 * What a storage fault says is true of what happened: a read says it was a read, a folder in
 * a file's place is named as such, a damaged rate budget is told like the other damaged
 * files, and a CLI command (which exits at once) is not told its change is kept in memory.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { MpsdPresetInput } from '../../shared/presets/preset.ts';
import { systemClock } from '../clock.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { openSharedRateBudgets, RATE_BUDGET_FILE } from '../mpsd/shared-rate-budget.ts';
import { confPresetFileSource, openPresetsStore, type PresetFile } from '../presets/presets-store.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { mountTmpfs } from './tmpfs.fixture.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-storage-messages-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const preset = (name: string): MpsdPresetInput => ({
  name,
  sessionRef: { scid: '00000000-0000-0000-0000-000000000001', templateName: 'GameSession', name: 's' },
  inviteAttributes: { titleId: '1', context: '', contextString: '', senderString: undefined },
  recipients: [{ label: '', xuid: '2814660000000002' }],
  joinAndSetActivityFirst: false,
  notes: '',
});

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

it('presets.json replaced by a folder: "could not be read", naming the folder in the way, not a save kept in memory', () => {
  mkdirSync(join(dir, 'presets.json'));
  const error = thrownBy(() => openPresetsStore({ source: confPresetFileSource(dir) }).list());
  expect(error).toMatchObject({
    code: 'STORAGE',
    message: `Presets could not be read. ${join(dir, 'presets.json')} is a folder where Handle Studio keeps its presets file: move that folder away and try again.`,
  });
});

it('history.sqlite replaced by a folder: names that folder, not the data folder (which is fine)', () => {
  mkdirSync(join(dir, 'history.sqlite'));
  const error = thrownBy(() => openHistoryStore({ dataDir: dir }));
  expect(error).toMatchObject({
    code: 'STORAGE',
    message: `${join(dir, 'history.sqlite')} is a folder where Handle Studio keeps its history database: move that folder away and try again.`,
  });
});

it('a damaged rate-budget.sqlite is moved aside and said so: where it went, and that a pause it held is forgotten', () => {
  writeFileSync(join(dir, RATE_BUDGET_FILE), 'not a database, and long enough to be read as one '.repeat(200));
  const told: string[] = [];
  const budgets = openSharedRateBudgets({ dataDir: dir, clock: systemClock, onFallback: (message) => told.push(message) });
  budgets.budgetFor('profile-1').backOffUntil(Date.now() + 60_000);
  budgets.close();
  const aside = readdirSync(dir).find((name) => name.startsWith(`${RATE_BUDGET_FILE}.damaged-`));
  expect(aside).toBeDefined();
  expect(told).toEqual([
    expect.stringMatching(
      new RegExp(
        `^The shared rate budget at .*rate-budget\\.sqlite was damaged \\(.+\\); it was kept as .*${aside}\\.? and a fresh one was started\\. A pause MPSD asked for \\(Retry-After\\) that it held is forgotten`,
      ),
    ),
  ]);
  expect(existsSync(join(dir, RATE_BUDGET_FILE))).toBe(true);
});

it('a preset the disk has no room for: the app keeps it in memory for a retry; a CLI command says nothing was saved and to run it again', () => {
  let full = false;
  let written: Record<string, unknown> = {};
  const file: PresetFile = {
    path: join(dir, 'presets.json'),
    get store() {
      return written;
    },
    set store(value: Record<string, unknown>) {
      // A full disk cannot be made on demand here; the double throws the error Node gives.
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      written = value;
    },
  };
  const source = { path: file.path, open: () => file };
  const app = openPresetsStore({ source });
  const cli = openPresetsStore({ source, keepUnsavedChanges: false });
  app.create(preset('saved'));
  full = true;

  const fromCli = thrownBy(() => cli.create(preset('from the CLI')));
  expect(fromCli.message).toMatch(
    /^Presets could not be saved\. The disk holding .* is full: free some space and try again\. Nothing was saved: run the command again once that is fixed\.$/,
  );
  expect(cli.list().map((p) => p.name)).toEqual(['saved']);
  expect(cli.status().unsavedChanges).toBe(false);

  const fromApp = thrownBy(() => app.create(preset('in the app')));
  expect(fromApp.message).toMatch(/Your change is kept in memory while Handle Studio runs; save again once that is fixed\.$/);
  expect(app.list().map((p) => p.name)).toEqual(['in the app', 'saved']);
});

it('a CLI preset save on a real full disk (a filled tmpfs): says nothing was saved and to run it again, leaves no lock, keeps what was saved', async (context) => {
  const mount = mountTmpfs('3m');
  if ('missing' in mount) return context.skip(`No full disk can be made here: ${mount.missing}`);
  try {
    const dataDir = join(mount.path, 'Handle Studio');
    const studio = await openTestStudio(dataDir);
    try {
      expect(await studio.dispatch('createPreset', preset('before'))).toMatchObject({ ok: true });
      const filler = openSync(join(mount.path, 'filler'), 'w');
      try {
        for (;;) writeSync(filler, Buffer.alloc(64 * 1024));
      } catch (error) {
        expect((error as { code?: string }).code).toBe('ENOSPC');
      } finally {
        closeSync(filler);
      }
      const answer = await studio.dispatch('createPreset', { ...preset('on a full disk'), notes: 'n'.repeat(2000) });
      expect(answer).toMatchObject({
        ok: false,
        error: {
          code: 'STORAGE',
          message: expect.stringMatching(
            /is full: free some space and try again\. Nothing was saved: run the command again once that is fixed\.$/,
          ),
        },
      });
      expect(existsSync(join(dataDir, 'presets.json.lock'))).toBe(false);
      rmSync(join(mount.path, 'filler'));
      expect(await studio.dispatch('listPresets', {})).toMatchObject({
        ok: true,
        value: { presets: [expect.objectContaining({ name: 'before' })] },
      });
    } finally {
      await studio.close();
    }
  } finally {
    mount.remove();
  }
});
