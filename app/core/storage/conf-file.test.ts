import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lazyConfFile } from './conf-file.ts';

let dir: string;
const options = () => ({ cwd: dir, configName: 'presets', clearInvalidConfig: false as const });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-conf-file-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('reads what conf reads: a missing file is empty, a byte order mark is skipped', () => {
  expect(lazyConfFile(options()).store).toEqual({});
  writeFileSync(join(dir, 'presets.json'), '\uFEFF{"schemaVersion":3,"presets":[]}');
  const file = lazyConfFile(options());
  expect(file.path).toBe(join(dir, 'presets.json'));
  expect(file.store).toEqual(new Conf<Record<string, unknown>>(options()).store);
  expect(file.store).toEqual({ schemaVersion: 3, presets: [] });
});

it('refuses a file that is not JSON with a SyntaxError naming the file, not quoting it', () => {
  writeFileSync(join(dir, 'presets.json'), '{"schemaVersion":3,"token":"do-not-quote-me"');
  const read = () => lazyConfFile(options()).store;
  expect(read).toThrow(SyntaxError);
  expect(read).toThrow(`The config file \`${join(dir, 'presets.json')}\` is not valid JSON.`);
  expect(read).not.toThrow(/do-not-quote-me/);
});

it('writes through conf, which a fresh reader and conf itself then read back', () => {
  const file = lazyConfFile(options());
  file.store = { schemaVersion: 3, presets: [{ name: 'squad' }] };
  expect(file.store).toEqual({ schemaVersion: 3, presets: [{ name: 'squad' }] });
  expect(lazyConfFile(options()).store).toEqual({ schemaVersion: 3, presets: [{ name: 'squad' }] });
  expect(new Conf<Record<string, unknown>>(options()).store).toEqual({ schemaVersion: 3, presets: [{ name: 'squad' }] });
  // conf's own layout (tab-indented), so electron-store and older builds read it as before.
  expect(readFileSync(join(dir, 'presets.json'), 'utf8')).toContain('\t"schemaVersion": 3');
});
