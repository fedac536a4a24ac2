/**
 * The start-up notice for a damaged presets.json says what was kept: a torn file is not read at
 * all, so "what could be read was kept" promised presets that were not there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openTestStudio } from '../test-studio.fixture.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-presets-notice-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function presetNotice(): Promise<string | undefined> {
  const studio = await openTestStudio(dir);
  try {
    return studio.notices.find((notice) => notice.message.startsWith('The presets file'))?.message;
  } finally {
    await studio.close();
  }
}

it('a torn presets.json: says nothing was kept, and where the original is', async () => {
  writeFileSync(join(dir, 'presets.json'), '{"schemaVersion": 3, "presets": [{"id": "a", "na');
  const notice = await presetNotice();
  expect(notice).toMatch(
    /^The presets file was damaged: nothing in it could be read, so no preset was kept\. The original file is kept as .*presets\.json\.damaged-/,
  );
  expect(notice).not.toMatch(/what could be read was kept/);
});

it('one unreadable preset among readable ones: says how many were kept and how many not', async () => {
  const v2 = JSON.parse(readFileSync(new URL('./presets-v2.fixture.json', import.meta.url), 'utf8')) as {
    presets: Record<string, unknown>[];
  };
  const second = v2.presets[1];
  if (second === undefined) throw new Error('the v2 fixture holds two presets');
  second['name'] = 42;
  writeFileSync(join(dir, 'presets.json'), JSON.stringify(v2));
  expect(await presetNotice()).toMatch(
    /^The presets file was damaged: 1 preset\(s\) were kept and 1 could not be read\. The original file is kept as .*presets\.json\.damaged-/,
  );
});
