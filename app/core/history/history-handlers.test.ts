import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { historyChannels } from '../../shared/contract/history.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import { createHistoryHandlers } from './history-handlers.ts';
import type { HistoryStore } from './history-store.ts';
import { openHistoryStore } from './history-store.ts';

let dir: string;
let store: HistoryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-history-handlers-'));
  store = openHistoryStore({ dataDir: dir });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('lists, exports and sets retention through the contract, outputs passing their schemas', async () => {
  store.append({
    // Forty days old, so a 30-day retention rule removes it whatever today is.
    at: new Date(Date.now() - 40 * 86_400_000).toISOString(),
    profileId: 'p1',
    profileName: 'Dev',
    sandbox: 'XDKS.1',
    kind: 'activity.set',
    request: {
      method: 'POST',
      url: 'https://sessiondirectory.xboxlive.com/handles',
      headers: { Authorization: AUTHORIZATION_PLACEHOLDER },
    },
    response: { status: 200, headers: {}, body: '' },
    durationMs: 12,
  });
  const picked = join(dir, 'picked.csv');
  const asked: string[] = [];
  const handlers = createHistoryHandlers({
    history: store,
    now: () => Date.parse('2026-03-02T08:30:00Z'),
    exportDestination: {
      kind: 'file',
      choose: async (suggestedName, format) => {
        asked.push(`${suggestedName} as ${format}`);
        return picked;
      },
    },
  });

  const page = historyChannels.listHistory.output.parse(await handlers.listHistory(historyChannels.listHistory.input.parse({ limit: 50 })));
  expect(page.entries.map((e) => e.kind)).toEqual(['activity.set']);
  const entry = historyChannels.getHistoryEntry.output.parse(await handlers.getHistoryEntry({ id: page.entries[0]!.id }));
  expect(entry.request.headers.Authorization).toBe(AUTHORIZATION_PLACEHOLDER);

  const exported = historyChannels.exportHistory.output.parse(await handlers.exportHistory({ format: 'csv', filter: {} }));
  expect(exported).toEqual({ outcome: 'saved', path: picked, count: 1 });
  expect(asked).toEqual(['handle-studio-history-2026-03-02-08-30-00.csv as csv']);
  expect(readFileSync(picked, 'utf8')).toContain('"activity.set"');

  expect(await handlers.setHistoryRetention({ maxAgeDays: 30 })).toEqual({ retention: { maxAgeDays: 30 }, removed: 1 });
  expect(await handlers.getHistoryRetention({})).toEqual({ maxAgeDays: 30 });
});

it('exports nothing when the save dialog is cancelled, and points the CLI to its own export', async () => {
  const cancelled = createHistoryHandlers({ history: store, exportDestination: { kind: 'file', choose: async () => undefined } });
  expect(historyChannels.exportHistory.output.parse(await cancelled.exportHistory({ format: 'json', filter: {} }))).toEqual({
    outcome: 'cancelled',
  });
  // Nothing written: no file, no partial one.
  expect(readdirSync(dir).filter((name) => !name.startsWith('history.sqlite'))).toEqual([]);
  await expect(createHistoryHandlers({ history: store }).exportHistory({ format: 'csv', filter: {} })).rejects.toThrow(
    /handle-studio history export/,
  );
});

it('refuses unknown fields and over-long search text at the contract', () => {
  expect(historyChannels.listHistory.input.safeParse({ limit: 10, colour: 'red' }).success).toBe(false);
  expect(historyChannels.listHistory.input.safeParse({ limit: 10, search: 'x'.repeat(201) }).success).toBe(false);
});
