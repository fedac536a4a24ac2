/**
 * History rows this build cannot fully read, met through the CLI (whose answers pass the same
 * contract check as the app's): a kind, outcome and error code written by a newer build, and a
 * request whose stored JSON is damaged. Once, one such row made `history` answer INTERNAL and
 * the JSON export fail; the rest must list and export, the row with it, its stored values kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHistoryHandlers } from '../core/history/history-handlers.ts';
import { HISTORY_FILE_NAME, openHistoryStore } from '../core/history/history-store.ts';
import { sampleInvite } from '../core/history/sample-history.fixture.ts';
import { historyChannels } from '../shared/contract/history.ts';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

let data: ReturnType<typeof tempDataDir>;
const ids: Record<'future' | 'damaged' | 'plain', string> = { future: '', damaged: '', plain: '' };

beforeEach(() => {
  data = tempDataDir();
  const store = openHistoryStore({ dataDir: data.path });
  try {
    for (const [n, name] of (['plain', 'future', 'damaged'] as const).entries()) {
      ids[name] = store.append(
        sampleInvite(n, name === 'future' ? { error: { code: 'VALIDATION', message: 'said by a newer build' } } : {}),
      ).id;
    }
  } finally {
    store.close();
  }
  // What a newer build (or a damaged page) leaves behind, written straight into the file.
  const db = new DatabaseSync(join(data.path, HISTORY_FILE_NAME));
  db.prepare("UPDATE history SET kind = 'mpa.party.send', outcome = 'partly', error_code = 'PARTY_FULL' WHERE id = ?").run(ids.future);
  db.prepare('UPDATE history SET request_json = \'{"method":"POST","url":\' WHERE id = ?').run(ids.damaged);
  db.close();
});

afterEach(() => data.remove());

it('history lists every row, a row this build does not know named as such with its stored values', async () => {
  const listed = await runCli(data.path, ['history']);
  expect(listed.stderr).toBe('');
  expect(listed.code).toBe(0);
  const lines = listed.stdout.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines.find((line) => line.includes('mpa.party.send'))).toMatch(
    /Unknown to this version \(mpa\.party\.send\) .*Unknown to this version \(partly\).*Unknown to this version \(PARTY_FULL\): said by a newer build/,
  );

  const json = await runCli(data.path, ['history', '--json']);
  expect(json.code, json.stderr).toBe(0);
  const future = (JSON.parse(json.stdout) as { entries: { id: string }[] }).entries.find((entry) => entry.id === ids.future);
  expect(future).toMatchObject({
    kind: 'unrecognized',
    outcome: 'unrecognized',
    errorCode: 'unrecognized',
    unrecognized: { kind: 'mpa.party.send', outcome: 'partly', errorCode: 'PARTY_FULL' },
  });
});

it('exports every row as JSON, the damaged request marked with its stored text, and as CSV with the stored values', async () => {
  const file = join(data.path, 'out.json');
  const exported = await runCli(data.path, ['history', 'export', file]);
  expect(exported.code, exported.stderr).toBe(0);
  const entries = JSON.parse(readFileSync(file, 'utf8')) as { id: string; damaged?: unknown; request: unknown }[];
  expect(entries.map((entry) => entry.id).sort()).toEqual(Object.values(ids).sort());
  expect(entries.find((entry) => entry.id === ids.damaged)).toMatchObject({
    damaged: { request: '{"method":"POST","url":' },
    request: { method: 'POST', url: 'https://sessiondirectory.xboxlive.com/handles', headers: {} },
  });
  expect(entries.filter((entry) => entry.damaged !== undefined)).toHaveLength(1);

  const csv = join(data.path, 'out.csv');
  expect((await runCli(data.path, ['history', 'export', csv])).code).toBe(0);
  expect(readFileSync(csv, 'utf8')).toMatch(/"mpa\.party\.send".*"partly".*"PARTY_FULL"/);
});

it('opens a row this build does not know; opening the damaged one is STORAGE naming it', async () => {
  const store = openHistoryStore({ dataDir: data.path });
  try {
    const handlers = createHistoryHandlers({ history: store });
    const opened = historyChannels.getHistoryEntry.output.parse(await handlers.getHistoryEntry({ id: ids.future }));
    expect(opened).toMatchObject({ kind: 'unrecognized', unrecognized: { kind: 'mpa.party.send' } });
    await expect(handlers.getHistoryEntry({ id: ids.damaged })).rejects.toMatchObject({
      code: 'STORAGE',
      message: expect.stringContaining(ids.damaged),
    });
  } finally {
    store.close();
  }
});
