import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryFilter } from '../../shared/contract/history.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import { mountTmpfs } from '../storage/tmpfs.fixture.ts';
import type { HistoryEntryInput } from './history-entry.ts';
import { historyExport, pipeExport, writeExportFile, type ExportFormat } from './history-export.ts';
import { openHistoryStore, type HistoryStore } from './history-store.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const NOW = Date.parse('2026-03-02T08:30:00Z');

let dir: string;
let store: HistoryStore;
const cleanups: Array<() => void> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-history-export-'));
  store = openHistoryStore({ dataDir: dir });
});

afterEach(() => {
  store.close();
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function invite(n: number, overrides: Partial<HistoryEntryInput> = {}): HistoryEntryInput {
  return {
    at: new Date(T0 + n * 1000).toISOString(),
    profileId: 'p1',
    profileName: 'Dev account',
    sandbox: 'XDKS.1',
    kind: 'invite.send',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: `lobby-${n}` },
    invitedXuid: String(2814679796296400 + n),
    recipientLabel: `Tester ${n}`,
    request: {
      method: 'POST',
      url: 'https://sessiondirectory.xboxlive.com/handles',
      headers: { Authorization: AUTHORIZATION_PLACEHOLDER, 'x-xbl-contract-version': '107' },
      body: JSON.stringify({ version: 1, type: 'invite' }),
    },
    response: { status: 201, headers: { 'x-xblcorrelationid': `corr-${n}` }, body: `{"id":"handle-${n}"}` },
    correlationId: `corr-${n}`,
    durationMs: 42,
    ...overrides,
  };
}

function appendMany(count: number): void {
  for (let n = 0; n < count; n++) store.append(invite(n));
}

/** Exports into a file in the test's folder; answers the text and the count it reported. */
async function exportToFile(format: ExportFormat, filter: HistoryFilter = {}): Promise<{ content: string; count: number }> {
  const path = join(dir, `export.${format}`);
  const count = await writeExportFile(historyExport(store, format, filter, NOW), path);
  return { content: readFileSync(path, 'utf8'), count };
}

/** The files in the test's folder other than the history database's own. */
function leftovers(folder = dir): string[] {
  return readdirSync(folder).filter((name) => !name.startsWith('history.sqlite'));
}

it('names the file after the export time and the format', () => {
  expect(historyExport(store, 'csv', {}, NOW)).toMatchObject({
    fileName: 'handle-studio-history-2026-03-02-08-30-00.csv',
    mediaType: 'text/csv; charset=utf-8',
  });
  expect(historyExport(store, 'json', {}, NOW).fileName).toBe('handle-studio-history-2026-03-02-08-30-00.json');
});

it('exports CSV that a spreadsheet reads as text, quoted and formula-safe', async () => {
  store.append(invite(1, { recipientLabel: '=HYPERLINK("http://evil","click")' }));
  store.append(invite(2, { recipientLabel: 'Smith, "Bob"\nsecond line', error: { code: 'MPSD_REJECTED', message: '-1 members allowed' } }));
  store.append(invite(3, { recipientLabel: '@SUM(A1)' }));
  const { content, count } = await exportToFile('csv');
  expect(count).toBe(3);
  expect(content.split('\r\n')[0]).toMatch(/^id,time,profile,sandbox,kind,/);
  expect(content).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
  expect(content).toContain('"Smith, ""Bob""\nsecond line"');
  expect(content).toContain(`"'-1 members allowed"`);
  expect(content).toContain(`"'@SUM(A1)"`);
  expect(content.endsWith('\r\n')).toBe(true);
  // The filter applies to exports too.
  expect((await exportToFile('csv', { search: 'SUM' })).count).toBe(1);
});

it("exports an MPA invite call's invitees in the invitedXuid cell, space-separated, in one row", async () => {
  store.append(
    invite(1, {
      kind: 'mpa.invite.send',
      sessionRef: undefined,
      invitedXuid: undefined,
      invitedXuids: ['2814679796296401', '2814679796296402', '2814679796296403'],
      recipientLabel: '3 invitees',
      request: {
        method: 'POST',
        url: 'https://multiplayeractivity.xboxlive.com/titles/1234/invites',
        headers: { Authorization: AUTHORIZATION_PLACEHOLDER },
        body: '{}',
      },
      response: { status: 200, headers: {}, body: '' },
    }),
  );
  store.append(invite(2));
  const { content } = await exportToFile('csv');
  const [header, mpsdRow, mpaRow] = content.split('\r\n').map((line) => line.split(','));
  const column = header?.indexOf('invitedXuid') ?? -1;
  expect(column).toBeGreaterThan(0);
  // Newest first: the MPSD invite (2) is the first row, the MPA call (1) the second.
  expect(mpsdRow?.[column]).toBe('"2814679796296402"');
  expect(mpaRow?.[column]).toBe('"2814679796296401 2814679796296402 2814679796296403"');
});

it('exports JSON with the masked request, parseable back; an empty export is an empty array', async () => {
  store.append(invite(1));
  const { content, count } = await exportToFile('json', { kinds: ['invite.send'] });
  expect(count).toBe(1);
  const parsed = JSON.parse(content) as HistoryEntry[];
  expect(parsed[0]?.request.headers['Authorization']).toBe(AUTHORIZATION_PLACEHOLDER);
  expect(await exportToFile('json', { kinds: ['session.leave'] })).toEqual({ content: '[]\n', count: 0 });
  expect((await exportToFile('csv', { kinds: ['session.leave'] })).content.split('\r\n')).toHaveLength(2);
});

describe('many entries', () => {
  // Many pages, the last one partial: every page boundary is crossed.
  const TOTAL = 2_345;

  it('streams: each page is written before the next is read, and the file holds every entry once, newest first', async () => {
    appendMany(TOTAL);
    // Entries read from the database by the time each chunk reaches the sink, which takes a chunk at a time (highWaterMark 1).
    let read = 0;
    const counted: Pick<HistoryStore, 'pages'> = {
      pages: function* (filter: HistoryFilter, shape: 'summary' | 'entry') {
        for (const page of store.pages(filter, shape as 'entry')) {
          read += page.length;
          yield page;
        }
      } as HistoryStore['pages'],
    };
    const exported = historyExport(counted, 'json', {}, NOW);
    const readWhenWritten: number[] = [];
    const chunks: string[] = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        readWhenWritten.push(read);
        chunks.push(chunk.toString('utf8'));
        setImmediate(done);
      },
    });
    await pipeExport(exported, sink);
    expect(exported.count).toBe(TOTAL);
    // Chunk n arrives when n pages have been read, not all of them (and the closing bracket after the last).
    const pageRows = readWhenWritten[0] ?? TOTAL;
    expect(pageRows).toBeLessThan(TOTAL);
    const pages = Math.ceil(TOTAL / pageRows);
    expect(readWhenWritten).toEqual([...Array.from({ length: pages }, (_, n) => Math.min((n + 1) * pageRows, TOTAL)), TOTAL]);
    const parsed = JSON.parse(chunks.join('')) as HistoryEntry[];
    expect(parsed.map((entry) => entry.correlationId)).toEqual(Array.from({ length: TOTAL }, (_, n) => `corr-${TOTAL - 1 - n}`));
    expect(new Set(parsed.map((entry) => entry.id)).size).toBe(TOTAL);
  });

  it('writes a complete CSV file with no token in it, and no partial file beside it', async () => {
    appendMany(TOTAL);
    const { content, count } = await exportToFile('csv');
    expect(count).toBe(TOTAL);
    const lines = content.split('\r\n');
    // Header, one line per entry, and the empty string after the final CRLF.
    expect(lines).toHaveLength(TOTAL + 2);
    expect(lines.at(-2)).toContain('"corr-0"');
    expect(content).not.toMatch(/XBL3\.0 x=[^<]/);
    expect(leftovers()).toEqual(['export.csv']);
  });

  it('leaves the destination untouched and no partial file when reading history fails midway', async () => {
    appendMany(TOTAL);
    const destination = join(dir, 'export.csv');
    writeFileSync(destination, 'the previous export\r\n');
    // History that fails after its second page, as a damaged page would.
    const failing: Pick<HistoryStore, 'pages'> = {
      pages: function* (filter: HistoryFilter, shape: 'summary' | 'entry') {
        let pages = 0;
        for (const page of store.pages(filter, shape as 'summary')) {
          if (++pages > 2) throw new HandleStudioError('STORAGE', 'History entry x is damaged.');
          yield page;
        }
      } as HistoryStore['pages'],
    };
    await expect(writeExportFile(historyExport(failing, 'csv', {}, NOW), destination)).rejects.toThrow(/History entry x is damaged/);
    expect(readFileSync(destination, 'utf8')).toBe('the previous export\r\n');
    expect(leftovers()).toEqual(['export.csv']);
  });

  it('says what to do when the folder cannot be written', async () => {
    appendMany(10);
    const missing = join(dir, 'no such folder', 'export.csv');
    const failure = writeExportFile(historyExport(store, 'csv', {}, NOW), missing);
    await expect(failure).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringContaining('no such folder') as unknown });
  });

  it('on a full disk: STORAGE "the disk is full", no partial file, the destination as it was', async (context) => {
    const mount = mountTmpfs('1m');
    if ('missing' in mount) return context.skip(`No full disk can be made here: ${mount.missing}`);
    cleanups.push(() => mount.remove());
    appendMany(TOTAL);
    const destination = join(mount.path, 'export.json');
    // The JSON of 2,345 whole entries is about 2 MB, twice the disk.
    const failure = writeExportFile(historyExport(store, 'json', {}, NOW), destination);
    await expect(failure).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/is full: free some space/) as unknown });
    expect(existsSync(destination)).toBe(false);
    expect(leftovers(mount.path)).toEqual([]);
  });
});
