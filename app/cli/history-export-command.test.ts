/**
 * `handle-studio history export` as a script runs it, over a real history.sqlite: to a file,
 * to standard output of a real process (a pipe), and refusals that write nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fillHistory, sampleInvite } from '../core/history/sample-history.fixture.ts';
import type { HistoryEntry } from '../shared/contract/history.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../shared/mpsd/wire.ts';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

// Many pages of history, so the export crosses page boundaries.
const ENTRIES = 1_203;
let dataDir: ReturnType<typeof tempDataDir>;

beforeEach(() => {
  dataDir = tempDataDir();
  fillHistory(dataDir.path, ENTRIES, (n) =>
    sampleInvite(n, {
      kind: n % 3 === 0 ? 'activity.set' : 'invite.send',
      ...(n === 7 ? { error: { code: 'MPSD_REJECTED' as const, message: '=cmd|calc' } } : {}),
    }),
  );
});

afterEach(() => dataDir.remove());

/** Files in the data folder other than the app's own (its databases and settings, made when it opens). */
const strayFiles = () =>
  readdirSync(dataDir.path).filter(
    (name) => !/^[a-z-]+\.sqlite(-wal|-shm|-clean)?$/.test(name) && !/^(profiles|presets|config)\.json$/.test(name),
  );

it('writes every entry to FILE, in the format its name says, and says how many', async () => {
  const file = join(dataDir.path, 'everything.json');
  const run = await runCli(dataDir.path, ['history', 'export', file]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toBe(`Wrote ${ENTRIES.toString()} entries to ${file}.\n`);
  const entries = JSON.parse(readFileSync(file, 'utf8')) as HistoryEntry[];
  expect(entries).toHaveLength(ENTRIES);
  expect(entries.at(-1)?.correlationId).toBe('corr-0');
  expect(entries.every((entry) => entry.request.headers['Authorization'] === AUTHORIZATION_PLACEHOLDER)).toBe(true);
  expect(strayFiles()).toEqual(['everything.json']);
});

it('streams CSV to standard output of a real process, filtered like `history`, formula-safe', async () => {
  const run = await runCli(dataDir.path, ['history', 'export', '--kind', 'invite.send'], { process: true });
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.split('\r\n');
  const invites = ENTRIES - Math.ceil(ENTRIES / 3);
  expect(lines).toHaveLength(invites + 2);
  expect(lines[0]).toMatch(/^id,time,profile,/);
  expect(lines.filter((line) => line.includes('"activity.set"'))).toEqual([]);
  expect(run.stdout).toContain(`"'=cmd|calc"`);
});

it('refuses a wrong format or filter before writing anything', async () => {
  const file = join(dataDir.path, 'out.csv');
  const badFormat = await runCli(dataDir.path, ['history', 'export', file, '--format', 'xml']);
  expect(badFormat.code).not.toBe(0);
  expect(badFormat.stderr).toMatch(/--format must be csv or json, not "xml"/);
  const badKind = await runCli(dataDir.path, ['history', 'export', '--kind', 'invite.sned']);
  expect(badKind.code).not.toBe(0);
  expect(badKind.stdout).toBe('');
  expect(badKind.stderr).toMatch(/--kind "invite\.sned" is not one of: activity\.set, /);
  expect(strayFiles()).toEqual([]);
});
