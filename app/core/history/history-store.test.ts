import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryFilter, HistorySummary } from '../../shared/contract/history.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import type { HistoryEntryInput } from './history-entry.ts';
import { historyEntryFromExchange, RESPONSE_BODY_CAP } from './history-entry.ts';
import type { HistoryStore } from './history-store.ts';
import { HISTORY_FILE_NAME, historyMigrations, openHistoryStore } from './history-store.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

let dir: string;
const opened: HistoryStore[] = [];

function open(options: Partial<Parameters<typeof openHistoryStore>[0]> = {}, folder = dir): HistoryStore {
  const store = openHistoryStore({ dataDir: folder, ...options });
  opened.push(store);
  return store;
}

/** How many entries `pages` yields for `filter` (what an export of it holds). */
function entriesIn(store: HistoryStore, filter: HistoryFilter): number {
  let count = 0;
  for (const page of store.pages(filter, 'summary')) count += page.length;
  return count;
}

function invite(n: number, overrides: Partial<HistoryEntryInput> = {}): HistoryEntryInput {
  return {
    at: new Date(T0 + n * 1000).toISOString(),
    profileId: 'p1',
    profileName: 'Dev account',
    sandbox: 'XDKS.1',
    kind: 'invite.send',
    sessionRef: { scid: SCID, templateName: 'GameSession', name: `lobby-${n}` },
    invitedXuid: `28146797962964${String(n).padStart(2, '0')}`,
    recipientLabel: `Tester ${n}`,
    request: {
      method: 'POST',
      url: 'https://sessiondirectory.xboxlive.com/handles',
      headers: { Authorization: AUTHORIZATION_PLACEHOLDER, 'x-xbl-contract-version': '107' },
      body: JSON.stringify({ version: 1, type: 'invite' }),
    },
    response: { status: 201, headers: { 'x-xblcorrelationid': `corr-${n}` }, body: `{"id":"handle-${n}"}` },
    correlationId: `corr-${n}`,
    handleId: `0000000${n}-0000-4000-8000-000000000000`,
    durationMs: 42,
    ...overrides,
  };
}

/** FTS5's own check that the search index holds exactly the history rows (throws if not). */
function expectSearchIndexMatchesRows(): void {
  const check = new DatabaseSync(join(dir, HISTORY_FILE_NAME));
  try {
    expect(() => check.exec("INSERT INTO history_search (history_search, rank) VALUES ('integrity-check', 1)")).not.toThrow();
  } finally {
    check.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-history-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history store', () => {
  it('keeps what was sent and what came back, and gives it back by id', () => {
    const store = open();
    const summary = store.append(invite(1));
    const entry = store.get(summary.id);
    expect(entry).toMatchObject({
      kind: 'invite.send',
      profileName: 'Dev account',
      sessionName: 'lobby-1',
      invitedXuid: '2814679796296401',
      recipientLabel: 'Tester 1',
      status: 201,
      outcome: 'ok',
      correlationId: 'corr-1',
      responseBody: '{"id":"handle-1"}',
      responseTruncated: false,
    });
    expect(entry.request.headers.Authorization).toBe(AUTHORIZATION_PLACEHOLDER);
    expect(() => store.get('no-such-id')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses a request whose Authorization header is a real token, and stores nothing', () => {
    const store = open();
    const secret = 'XBL3.0 x=1234567890;eyJhbGciOiJSUzI1NiJ9.secret-part';
    const leaky = invite(1, {
      request: { method: 'POST', url: 'https://x/handles', headers: { authorization: secret } },
    });
    let thrown: unknown;
    try {
      store.append(leaky);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INTERNAL' });
    expect(String((thrown as Error).message)).not.toContain('secret-part');
    expect(store.list({ limit: 10 }).entries).toHaveLength(0);
    // The same token hidden in another header or the body is refused too.
    expect(() =>
      store.append(invite(2, { request: { method: 'POST', url: 'https://x', headers: {}, body: `{"note":"${secret}"}` } })),
    ).toThrow(/token/);
    // Recent writes sit in the WAL until a checkpoint, so both files are searched.
    for (const file of [HISTORY_FILE_NAME, `${HISTORY_FILE_NAME}-wal`]) {
      const path = join(dir, file);
      if (existsSync(path)) expect(readFileSync(path).toString('latin1')).not.toContain('secret-part');
    }
  });

  it('keeps the WAL checkpoint out of append: it runs once the event loop is free, or inline after 500 appends in a row', async () => {
    const store = open();
    const fileSize = () => statSync(join(dir, HISTORY_FILE_NAME)).size;
    const before = fileSize();
    // About 1,800 WAL pages: SQLite's own checkpoint (at 1,000) would have run inside one of these appends.
    for (let n = 0; n < 300; n++) store.append(invite(n));
    expect(fileSize()).toBe(before);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fileSize()).toBeGreaterThan(before);

    // A caller that never yields still gets it, so the WAL stays bounded.
    const afterUpkeep = fileSize();
    for (let n = 300; n < 800; n++) store.append(invite(n));
    expect(fileSize()).toBeGreaterThan(afterUpkeep);
    expect(store.list({ limit: 1, search: 'tester' }).entries[0]?.at).toBe(new Date(T0 + 799_000).toISOString());
  });

  it('cuts a huge response body at the cap and says so', () => {
    const store = open();
    const huge = 'x'.repeat(RESPONSE_BODY_CAP + 10);
    const { id } = store.append(invite(1, { response: { status: 200, headers: {}, body: huge } }));
    const entry = store.get(id);
    expect(entry.responseBody).toHaveLength(RESPONSE_BODY_CAP);
    expect(entry.responseTruncated).toBe(true);
  });

  it('builds an entry from an MPSD exchange, recording an unknown outcome as such', () => {
    const store = open();
    const exchange: MpsdExchange = {
      kind: 'invite.send',
      request: {
        method: 'POST',
        url: 'https://sessiondirectory.xboxlive.com/handles',
        headers: { Authorization: AUTHORIZATION_PLACEHOLDER },
      },
      sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-9' },
      invitedXuid: '2814679796296491',
      startedAt: new Date(T0).toISOString(),
      durationMs: 30_001,
      error: { code: 'OUTCOME_UNKNOWN', message: 'The connection dropped after the invite was sent.' },
    };
    const summary = store.append(
      historyEntryFromExchange(exchange, { profileId: 'p1', profileName: 'Dev', sandbox: 'XDKS.1', recipientLabel: 'Alice' }),
    );
    expect(summary).toMatchObject({
      outcome: 'outcome-unknown',
      recipientLabel: 'Alice',
      sessionName: 'lobby-9',
      errorCode: 'OUTCOME_UNKNOWN',
    });
    expect(store.list({ limit: 5, status: 'outcome-unknown' }).entries.map((e) => e.id)).toEqual([summary.id]);
  });

  it('tells the listener about every append', () => {
    const seen: HistorySummary[] = [];
    const store = open({ onAppended: (summary) => seen.push(summary) });
    store.append(invite(1));
    store.append(invite(2));
    expect(seen.map((s) => s.sessionName)).toEqual(['lobby-1', 'lobby-2']);
  });

  it('pages newest first with a cursor, never repeating or skipping an entry, even when times tie', () => {
    const store = open();
    for (let n = 0; n < 25; n++) store.append(invite(n % 20)); // five pairs share a timestamp
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = store.list({ limit: 10, cursor });
      // No row of this page was on an earlier one (a Set size alone would hide a repeat across pages).
      expect(page.entries.filter((e) => seen.includes(e.id)).map((e) => e.id)).toEqual([]);
      seen.push(...page.entries.map((e) => e.id));
      times.push(...page.entries.map((e) => Date.parse(e.at)));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    // Every entry exactly once, in the order one unpaged listing gives.
    expect(seen).toEqual(store.list({ limit: 100 }).entries.map((e) => e.id));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by kind, outcome, profile and time range', () => {
    const store = open();
    store.append(invite(1));
    store.append(invite(2, { kind: 'activity.set', invitedXuid: undefined, profileId: 'p2' }));
    store.append(
      invite(3, {
        error: { code: 'FORBIDDEN', message: 'The requested service config cannot be accessed.' },
        response: { status: 403, headers: {}, body: '' },
      }),
    );
    store.append(invite(4));
    const names = (input: Parameters<HistoryStore['list']>[0]) => store.list(input).entries.map((e) => e.sessionName);
    expect(names({ limit: 10, kinds: ['activity.set'] })).toEqual(['lobby-2']);
    expect(names({ limit: 10, status: 'error' })).toEqual(['lobby-3']);
    expect(names({ limit: 10, status: 'ok', profileId: 'p1' })).toEqual(['lobby-4', 'lobby-1']);
    expect(names({ limit: 10, from: new Date(T0 + 2000).toISOString(), to: new Date(T0 + 3000).toISOString() })).toEqual([
      'lobby-3',
      'lobby-2',
    ]);
  });

  it('searches by part of a XUID, a recipient label, a session name, a handle id or a correlation id', () => {
    const store = open();
    for (let n = 10; n < 15; n++) store.append(invite(n));
    store.append(invite(20, { recipientLabel: 'Zoë "QA" Müller', correlationId: 'ABCDEF-cv.7' }));
    const found = (search: string) => store.list({ limit: 10, search }).entries.map((e) => e.sessionName);
    expect(found('96296412')).toEqual(['lobby-12']);
    expect(found('tester 13')).toEqual(['lobby-13']);
    expect(found('lobby-14')).toEqual(['lobby-14']);
    expect(found('00000011-0000')).toEqual(['lobby-11']);
    expect(found('corr-10')).toEqual(['lobby-10']);
    expect(found('"QA"')).toEqual(['lobby-20']);
    expect(found('cdef-CV')).toEqual(['lobby-20']);
    // Under three characters the trigram index cannot answer; the fallback must still find it.
    expect(found('Zo')).toEqual(['lobby-20']);
    expect(found('nobody-has-this')).toEqual([]);
    // Search combines with filters and paging.
    const first = store.list({ limit: 2, search: 'lobby' });
    expect(first.entries).toHaveLength(2);
    const rest = store.list({ limit: 10, search: 'lobby', cursor: first.nextCursor });
    expect(rest.entries).toHaveLength(4);
  });

  it('a one or two character search finds what a LIKE over every row finds, newest first, page by page', () => {
    const store = open();
    for (let n = 0; n < 60; n++) {
      const failed = n % 7 === 0;
      store.append(
        invite(n, {
          recipientLabel: n % 5 === 0 ? 'Al' : `Tester ${n}`,
          ...(failed ? { error: { code: 'FORBIDDEN', message: `Denied qz${n}` }, response: { status: 403, headers: {}, body: '' } } : {}),
        }),
      );
    }
    const raw = new DatabaseSync(join(dir, HISTORY_FILE_NAME), { readOnly: true });
    const columns = ['invited_xuid', 'recipient_label', 'session_name', 'handle_id', 'correlation_id', 'error_code', 'error_message'];
    const expected = (text: string) =>
      (
        raw
          .prepare(`SELECT id FROM history WHERE ${columns.map((c) => `${c} LIKE ?`).join(' OR ')} ORDER BY at DESC, seq DESC`)
          .all(...columns.map(() => `%${text}%`)) as { id: string }[]
      ).map((row) => row.id);
    const paged = (search: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = store.list({ limit: 7, search, ...(cursor ? { cursor } : {}) });
        ids.push(...page.entries.map((entry) => entry.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    for (const text of ['al', 'AL', '1', '42', 'qz', 'Z', 'zq', '-4']) expect(paged(text), `search "${text}"`).toEqual(expected(text));
    expect(expected('al').length).toBeGreaterThan(10);
    expect(expected('qz').length).toBe(9);
    expect(store.list({ limit: 50, search: 'al', kinds: ['activity.set'] }).entries).toEqual([]);
    raw.close();
  });

  it('searches the error code and the error text of failed requests, as the search box says', () => {
    const store = open();
    store.append(invite(1));
    store.append(
      invite(2, {
        error: { code: 'FORBIDDEN', message: 'The requested service config cannot be accessed (50%_off).' },
        response: { status: 403, headers: {}, body: '' },
      }),
    );
    store.append(invite(3, { error: { code: 'MPSD_REJECTED', message: '-1 members allowed' } }));
    const found = (search: string) => store.list({ limit: 10, search }).entries.map((e) => e.sessionName);
    expect(found('forbidden')).toEqual(['lobby-2']);
    expect(found('service config')).toEqual(['lobby-2']);
    expect(found('members allowed')).toEqual(['lobby-3']);
    // % and _ are literal, as in the other columns; under three characters the fallback searches errors too.
    expect(found('0%_')).toEqual(['lobby-2']);
    expect(found('%_')).toEqual(['lobby-2']);
    expect(entriesIn(store, { search: 'REJECTED' })).toBe(1);
  });

  it('refuses a malformed list request with a message that says how to fix it', () => {
    const store = open();
    expect(() => store.list({ limit: 0 })).toThrow(/Limit must be at least 1/);
    expect(() => store.list({ limit: 10, cursor: 'garbage' })).toThrow(/nextCursor/);
    expect(() => store.list({ limit: 10, kinds: ['invite.sned' as never] })).toThrow(/Kind must be one of/);
  });

  it('prunes by count and by age, and remembers the rule across restarts', () => {
    let now = T0 + 200 * 1000;
    const store = open({ now: () => now });
    for (let n = 0; n < 150; n++) store.append(invite(n % 100, { at: new Date(T0 + n * 1000).toISOString() }));
    expect(store.setRetention({ maxEntries: 100 })).toBe(50);
    // Pruned before they were ever indexed, the 50 removed rows must not linger in search.
    expect(entriesIn(store, { search: 'tester' })).toBe(100);
    expectSearchIndexMatchesRows();
    const newest = store.list({ limit: 1 }).entries[0];
    expect(newest?.at).toBe(new Date(T0 + 149_000).toISOString());
    store.close();

    now = T0 + 86_400_000 + 120_000; // one day after entry 120
    const reopened = open({ now: () => now });
    expect(reopened.retention()).toEqual({ maxEntries: 100 });
    expect(reopened.setRetention({ maxEntries: 100, maxAgeDays: 1 })).toBe(70);
    expect(entriesIn(reopened, {})).toBe(30);
    // Pruned after being indexed: search forgets them too.
    expect(entriesIn(reopened, { search: 'tester' })).toBe(30);
    expect(reopened.list({ limit: 10, search: 'lobby-10' }).entries).toEqual([]);
    expectSearchIndexMatchesRows();
    expect(() => reopened.setRetention({ maxEntries: 0 })).toThrow(/at least 1 entry/);
  });

  it('upgrades a version-1 file: old entries kept and searchable', () => {
    const path = join(dir, HISTORY_FILE_NAME);
    const old = new DatabaseSync(path);
    old.exec(historyMigrations[0]!.sql);
    old.exec('PRAGMA user_version = 1');
    old
      .prepare(
        `INSERT INTO history (id, at, profile_id, profile_name, sandbox, kind, session_name, invited_xuid, recipient_label,
      method, url, status, outcome, duration_ms, request_json) VALUES ('old-1', ?, 'p1', 'Dev', 'XDKS.1', 'invite.send', 'lobby-old',
      '2814679796296491', 'Carol', 'POST', 'https://x/handles', 201, 'ok', 10, '{"method":"POST","url":"https://x/handles","headers":{}}')`,
      )
      .run(T0);
    old.close();

    const store = open();
    expect(store.list({ limit: 10, search: 'carol' }).entries.map((e) => e.id)).toEqual(['old-1']);
    expect(store.get('old-1').sessionName).toBe('lobby-old');
    store.append(invite(1));
    expect(store.list({ limit: 10 }).entries).toHaveLength(2);
    store.close();
    const check = new DatabaseSync(path);
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(historyMigrations.length);
    check.close();
  });

  it('opens a file written by a newer version read-only: it is read, never written, and says to update', () => {
    const path = join(dir, HISTORY_FILE_NAME);
    const first = open();
    first.append(invite(1));
    first.close();
    const newer = new DatabaseSync(path);
    newer.exec('PRAGMA user_version = 99');
    newer.close();
    const before = readFileSync(path);
    const store = open();
    expect(store.status.readOnlyReason).toMatch(/newer version of Handle Studio \(schema 99[\s\S]*update Handle Studio/);
    expect(store.list({ limit: 10 }).entries).toHaveLength(1);
    expect(() => store.append(invite(2))).toThrow();
    store.close();
    expect(readFileSync(path)).toEqual(before);
  });

  it('survives a torn last write: a cut-off WAL loses at most the last commit, never the file', () => {
    const store = open();
    for (let n = 0; n < 20; n++) store.append(invite(n));
    // Copy the database as a crash would leave it: main file plus a WAL whose tail was cut mid-frame.
    const copyDir = mkdtempSync(join(tmpdir(), 'hs-history-torn-'));
    try {
      copyFileSync(join(dir, HISTORY_FILE_NAME), join(copyDir, HISTORY_FILE_NAME));
      const wal = join(dir, `${HISTORY_FILE_NAME}-wal`);
      copyFileSync(wal, join(copyDir, `${HISTORY_FILE_NAME}-wal`));
      truncateSync(join(copyDir, `${HISTORY_FILE_NAME}-wal`), statSync(wal).size - 100);
      const recovered = open({}, copyDir);
      const count = entriesIn(recovered, {});
      expect(count).toBeGreaterThanOrEqual(19);
      expect(count).toBeLessThanOrEqual(20);
      expect(recovered.status.damagedFileMovedTo).toBeUndefined();
      recovered.append(invite(30));
      recovered.close();
    } finally {
      rmSync(copyDir, { recursive: true, force: true });
    }
  });

  it('moves a corrupted file aside, starts fresh, and says so', () => {
    const path = join(dir, HISTORY_FILE_NAME);
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const store = open();
    expect(store.status.damagedFileMovedTo).toMatch(/history\.sqlite\.damaged-/);
    expect(existsSync(store.status.damagedFileMovedTo!)).toBe(true);
    expect(readFileSync(store.status.damagedFileMovedTo!)).toEqual(Buffer.alloc(8192, 0x5a));
    store.append(invite(1));
    expect(store.list({ limit: 10 }).entries).toHaveLength(1);
  });

  it('reports a data folder it cannot create as a STORAGE error', () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'a file where the data folder should be');
    expect(() => open({}, join(blocker, 'data'))).toThrow(expect.objectContaining({ code: 'STORAGE' }));
  });
});
