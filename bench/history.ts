/**
 * History speed, printed as figures (not a test): `node bench/history.ts [entries]`.
 *
 * Fills a fresh history.sqlite with 100,000 realistic entries (invites and activities over
 * 200 sessions, 5,000 recipients, ~400-byte responses), timing each append; then times the
 * first page, a later page, filters and searches. For comparison it appends the same
 * entries to a conf JSON file (what electron-store does), which rewrites the whole file on
 * every change: that baseline is capped at a few thousand entries and extrapolated.
 *
 * Then 5,000 more appends while a send journals its invites in outbox.sqlite of the same
 * folder (an outbox claim and settle before each append, as the send path does, and the
 * event loop turning between invites as it does while a send waits for MPSD). Exporting
 * everything, with its memory, is bench/history-export.ts (a fresh process, so the peak is its own).
 *
 * Times are CPU (user + system) and wall: on a shared machine the wall clock also counts
 * other processes' turns, CPU time counts only this one's work.
 * Goals (issue 12): first page < 20 ms, every search <= 50 ms including 1-2 characters,
 * append p99 <= 1 ms while sends journal.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import Conf from 'conf';
import * as z from 'zod/mini';
import { historyExport } from '../app/core/history/history-export.ts';
import { openHistoryStore } from '../app/core/history/history-store.ts';
import { openOutboxStore } from '../app/core/outbox/outbox-store.ts';
import type { HistoryEntryInput } from '../app/core/history/history-entry.ts';
import type { HistoryListInput } from '../app/shared/contract/history.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../app/shared/mpsd/wire.ts';

const ENTRIES = Number(process.argv[2] ?? 100_000);
const CONF_SIZES = [250, 500, 1000, 2000];
const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const T0 = Date.parse('2026-01-01T00:00:00Z');

function entry(n: number): HistoryEntryInput {
  const recipient = n % 5000;
  const xuid = String(2814679796296491n + BigInt(recipient * 7919));
  const invite = n % 4 !== 0;
  const handleId = `${((n * 2654435761) % 0xffffffff).toString(16).padStart(8, '0')}-1c3a-4b2e-9f00-${String(n).padStart(12, '0')}`;
  const failed = n % 50 === 0;
  return {
    at: new Date(T0 + n * 1500).toISOString(),
    profileId: `profile-${n % 3}`,
    profileName: ['Dev account', 'QA account', 'Build box'][n % 3]!,
    sandbox: 'XDKS.1',
    kind: invite ? 'invite.send' : 'activity.set',
    sessionRef: { scid: SCID, templateName: 'GameSession', name: `playtest-${n % 200}` },
    invitedXuid: invite ? xuid : undefined,
    recipientLabel: invite ? `Tester ${recipient}` : undefined,
    request: {
      method: 'POST',
      url: 'https://sessiondirectory.xboxlive.com/handles',
      headers: {
        Authorization: AUTHORIZATION_PLACEHOLDER,
        'x-xbl-contract-version': '107',
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({
        version: 1,
        type: invite ? 'invite' : 'activity',
        sessionRef: { scid: SCID, templateName: 'GameSession', name: `playtest-${n % 200}` },
        invitedXuid: invite ? xuid : undefined,
      }),
    },
    response: failed
      ? { status: 403, headers: { 'x-xblcorrelationid': `cv-${n}` }, body: 'The requested service config cannot be accessed.' }
      : {
          status: 201,
          headers: { 'x-xblcorrelationid': `cv-${n}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: handleId,
            type: invite ? 'invite' : 'activity',
            version: 1,
            sessionRef: { scid: SCID, templateName: 'GameSession', name: `playtest-${n % 200}` },
            invitedXuid: xuid,
            senderXuid: '2533274790395904',
            expiration: '2026-01-02T00:00:00Z',
          }),
        },
    correlationId: `cv-${n}`,
    handleId,
    durationMs: 80 + (n % 40),
    error: failed ? { code: 'FORBIDDEN', message: 'The requested service config cannot be accessed.' } : undefined,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}

/** Median CPU and wall ms of several runs of `work`, so one cold cache does not decide the figure. */
function timed(work: () => unknown, runs = 7): { cpu: number; wall: number } {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    work();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  return { cpu: median(cpu), wall: median(wall) };
}

const both = ({ cpu, wall }: { cpu: number; wall: number }) => `${ms(cpu).padStart(11)} CPU ${ms(wall).padStart(11)} wall`;
/** Measured before this rework on an unloaded run of the same machine (issue 12). */
const BASELINE_SHORT_NO_MATCH = '94-130 ms';
/** The append p99 while a send journals before the WAL checkpoint was moved out of append (CPU, 2026-12-01). */
const BASELINE_JOURNALED_P99 = '3.1 ms';

const dir = mkdtempSync(join(tmpdir(), 'hs-bench-history-'));
try {
  console.log(`History bench: ${ENTRIES.toLocaleString('en')} entries, Node ${process.version}, ${tmpdir()}`);

  const store = openHistoryStore({ dataDir: dir });
  const appendTimes: number[] = [];
  for (let n = 0; n < ENTRIES; n++) {
    const input = entry(n);
    const start = performance.now();
    store.append(input);
    appendTimes.push(performance.now() - start);
  }
  appendTimes.sort((a, b) => a - b);
  console.log('\nSQLite history (WAL, synchronous=NORMAL, trigram search index)');
  console.log(
    `  append     median ${ms(percentile(appendTimes, 0.5))}   p99 ${ms(percentile(appendTimes, 0.99))}   max ${ms(appendTimes.at(-1)!)}`,
  );
  const size =
    statSync(join(dir, 'history.sqlite')).size + (statSync(join(dir, 'history.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0);
  console.log(`  file size  ${(size / 1024 / 1024).toFixed(1)} MiB (db + wal)`);
  const stats = new DatabaseSync(join(dir, 'history.sqlite'), { readOnly: true });
  const searchBytes = stats.prepare(`SELECT COALESCE(SUM(pgsize), 0) AS bytes FROM dbstat WHERE name LIKE 'history_search%'`).get() as {
    bytes: number;
  };
  stats.close();
  console.log(`  of which the trigram search index ${(searchBytes.bytes / 1024 / 1024).toFixed(1)} MiB (checkpointed pages only)`);

  const queries: [string, HistoryListInput][] = [
    ['first page (50)', { limit: 50 }],
    ['search XUID digits "79629"', { limit: 50, search: '79629' }],
    ['search label "Tester 4242"', { limit: 50, search: 'Tester 4242' }],
    ['search session "playtest-17"', { limit: 50, search: 'playtest-17' }],
    ['search handle id part', { limit: 50, search: `-${String(77_777).padStart(12, '0')}` }],
    ['search correlation id "cv-12345"', { limit: 50, search: 'cv-12345' }],
    ['search 2 chars "99" (LIKE fallback)', { limit: 50, search: '99' }],
    ['search with no match', { limit: 50, search: 'nobody-has-this' }],
    ['search 2 chars, no match (full LIKE scan)', { limit: 50, search: 'zq' }],
    ['filter errors only', { limit: 50, status: 'error' }],
    ['filter activity.set + profile-1', { limit: 50, kinds: ['activity.set'], profileId: 'profile-1' }],
  ];
  let slowest = 0;
  for (const [label, input] of queries) {
    let found = 0;
    const took = timed(() => (found = store.list(input).entries.length));
    if (input.search) slowest = Math.max(slowest, took.cpu);
    console.log(`  ${label.padEnd(42)} ${both(took)}  (${found} rows)`);
  }
  console.log(
    `  slowest search ${ms(slowest)} CPU; goal <= 50 ms: ${slowest <= 50 ? 'met' : 'NOT met'} (baseline: 2 characters, no match, ${BASELINE_SHORT_NO_MATCH})`,
  );
  let cursor: string | undefined;
  for (let page = 0; page < 1000 && (page === 0 || cursor); page++) cursor = store.list({ limit: 50, cursor }).nextCursor;
  const deep = cursor;
  console.log(`  ${'page 1001 by cursor'.padEnd(42)} ${both(timed(() => store.list({ limit: 50, cursor: deep })))}`);
  // The worst search: right after 499 appends the index has not taken in yet.
  for (let n = ENTRIES; n < ENTRIES + 499; n++) store.append(entry(n));
  console.log(
    `  ${'search after 499 unindexed appends'.padEnd(42)} ${both(timed(() => store.list({ limit: 50, search: 'Tester 4242' }), 1))}  (once)`,
  );
  const exportErrors = (): void => {
    for (const chunk of historyExport(store, 'csv', { status: 'error' }, Date.now()).chunks()) void chunk;
  };
  console.log(`  ${'export CSV, errors only'.padEnd(42)} ${both(timed(exportErrors, 3))}`);

  // Appends while a send journals: each after an outbox claim and settle, as the send path does.
  const outbox = openOutboxStore({ dataDir: dir, requestSchema: z.unknown() });
  const JOURNALED = 5000;
  const journal = outbox.enqueue(
    Array.from({ length: JOURNALED }, (_, n) => ({
      profileId: 'p1',
      kind: 'invite.send' as const,
      request: { n },
      invitedXuid: String(2814679790000000 + n),
    })),
    { origin: 'live' },
  );
  const journaledWall: number[] = [];
  const journaledCpu: number[] = [];
  for (const [n, item] of journal.entries()) {
    outbox.claim(item.id);
    outbox.settle(item.id, { result: 'sent' });
    const input = entry(ENTRIES + 499 + n);
    const start = performance.now();
    const used = process.cpuUsage();
    store.append(input);
    const spent = process.cpuUsage(used);
    journaledWall.push(performance.now() - start);
    journaledCpu.push((spent.user + spent.system) / 1000);
    // A send waits for MPSD's answer before its next invite: the event loop turns between
    // appends, and the store's upkeep (index batch, WAL checkpoint) runs there, as in the app.
    await new Promise((resolve) => setImmediate(resolve));
  }
  outbox.close();
  journaledWall.sort((a, b) => a - b);
  journaledCpu.sort((a, b) => a - b);
  const journaledP99 = percentile(journaledCpu, 0.99);
  console.log(
    `  append while a send journals (${JOURNALED}): CPU median ${ms(percentile(journaledCpu, 0.5))} p99 ${ms(journaledP99)} (goal <= 1 ms: ${journaledP99 <= 1 ? 'met' : 'NOT met'}; baseline ${BASELINE_JOURNALED_P99}, checkpoints inside appends);` +
      ` wall median ${ms(percentile(journaledWall, 0.5))} p99 ${ms(percentile(journaledWall, 0.99))}`,
  );

  // Exporting everything, and its memory, is measured on its own in a fresh process: node bench/history-export.ts.
  store.close();

  console.log('\nconf / electron-store JSON file baseline (whole file rewritten on every append)');
  const confDir = join(dir, 'conf');
  const conf = new Conf<{ history: HistoryEntryInput[] }>({ cwd: confDir, configName: 'history', defaults: { history: [] } });
  const perSize: [number, number][] = [];
  let appended = 0;
  for (const target of CONF_SIZES) {
    const times: number[] = [];
    for (; appended < target; appended++) {
      const start = performance.now();
      conf.set('history', [...conf.get('history'), entry(appended)]);
      times.push(performance.now() - start);
    }
    // The cost of one append at this size: the last 10% of appends made to reach it.
    const tail = times.slice(Math.floor(times.length * 0.9)).sort((a, b) => a - b);
    const median = percentile(tail, 0.5);
    perSize.push([target, median]);
    console.log(`  append at ${String(target).padStart(5)} entries   median ${ms(median)}`);
  }
  const [lastSize, lastCost] = perSize.at(-1)!;
  const perEntry = lastCost / lastSize;
  console.log(
    `  extrapolated (linear in file size, from ${lastSize} entries): one append at ${ENTRIES.toLocaleString('en')} entries ≈ ${(perEntry * ENTRIES).toFixed(0)} ms;` +
      ` filling to ${ENTRIES.toLocaleString('en')} ≈ ${((perEntry * ENTRIES * ENTRIES) / 2 / 1000 / 60).toFixed(0)} minutes.`,
  );
  console.log(
    '  (capped: the baseline stops at 2,000 entries because each append rewrites the whole file; the figures above are measured, the 100k ones extrapolated.)',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
