/**
 * History export's memory, printed as figures (not a test): `node bench/history-export.ts [entries]`.
 *
 * Fills a fresh history.sqlite with 100,000 entries (about 400-byte responses, as
 * bench/history.ts), then exports all of it to a file, each run in a fresh child process so
 * the peak resident memory is the export's own: the process's peak RSS (getrusage maxrss)
 * minus its RSS once history was open. Side by side with the way exports were built before
 * issue 12 (the whole text in one string, then written), from the same chunks.
 * Goal (issue 12): peak <= 50 MiB above idle; before: 167 MiB (CSV, 105,499 entries).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyExport, writeExportFile, type ExportFormat } from '../app/core/history/history-export.ts';
import { openHistoryStore } from '../app/core/history/history-store.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../app/shared/mpsd/wire.ts';

type Way = 'streamed' | 'whole';
const ROUNDS = 3;
const MIB = 1024 * 1024;

/** In the child: open history, export it one way, print what it cost. */
async function child(dir: string, format: ExportFormat, way: Way): Promise<void> {
  const store = openHistoryStore({ dataDir: dir });
  const idle = process.memoryUsage().rss;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const exported = historyExport(store, format, {}, Date.now());
  const file = join(dir, `export-${way}.${format}`);
  if (way === 'streamed') await writeExportFile(exported, file);
  else await writeFile(file, [...exported.chunks()].join(''));
  const used = process.cpuUsage(cpu);
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    JSON.stringify({
      aboveIdleMiB: (peak - idle) / MIB,
      count: exported.count,
      sizeMiB: statSync(file).size / MIB,
      wallMs: performance.now() - started,
      cpuMs: (used.user + used.system) / 1000,
    }),
  );
  store.close();
}

function fill(dir: string, entries: number): void {
  const store = openHistoryStore({ dataDir: dir });
  const at0 = Date.now() - entries * 1000;
  for (let n = 0; n < entries; n++) {
    const session = `lobby-${n % 200}`;
    store.append({
      at: new Date(at0 + n * 1000).toISOString(),
      profileId: `p${n % 3}`,
      profileName: `Dev account ${n % 3}`,
      sandbox: 'XDKS.1',
      kind: n % 4 === 0 ? 'activity.set' : 'invite.send',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: session },
      invitedXuid: String(2814679790000000 + (n % 5000)),
      recipientLabel: `Tester ${n % 5000}`,
      request: {
        method: 'POST',
        url: 'https://sessiondirectory.xboxlive.com/handles',
        headers: { Authorization: AUTHORIZATION_PLACEHOLDER, 'x-xbl-contract-version': '107' },
        body: JSON.stringify({ version: 1, type: 'invite', sessionRef: { name: session }, invitedXuid: String(n) }),
      },
      response: {
        status: 201,
        headers: { 'content-type': 'application/json', 'x-xblcorrelationid': crypto.randomUUID() },
        body: JSON.stringify({ id: crypto.randomUUID(), type: 'invite', sessionRef: { name: session }, padding: 'x'.repeat(260) }),
      },
      correlationId: crypto.randomUUID(),
      handleId: crypto.randomUUID(),
      durationMs: 40 + (n % 50),
    });
  }
  store.close();
}

interface Figures {
  aboveIdleMiB: number;
  count: number;
  sizeMiB: number;
  wallMs: number;
  cpuMs: number;
}

function run(dir: string, format: ExportFormat, way: Way): Figures {
  const output = execFileSync(process.execPath, [import.meta.filename, '--child', dir, format, way], { encoding: 'utf8' });
  return JSON.parse(output) as Figures;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] as string, process.argv[4] as ExportFormat, process.argv[5] as Way);
} else {
  const entries = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'hs-bench-export-'));
  try {
    console.log(`Filling history with ${entries.toLocaleString('en')} entries...`);
    fill(dir, entries);
    console.log(
      `history.sqlite: ${(statSync(join(dir, 'history.sqlite')).size / MIB).toFixed(0)} MiB; ${ROUNDS} rounds, each export in a fresh process\n`,
    );
    for (const format of ['csv', 'json'] as const) {
      const figures: Record<Way, Figures[]> = { streamed: [], whole: [] };
      // Alternate the order so neither way always runs on a warmer page cache.
      for (let round = 0; round < ROUNDS; round++) {
        for (const way of round % 2 === 0 ? (['streamed', 'whole'] as const) : (['whole', 'streamed'] as const)) {
          figures[way].push(run(dir, format, way));
        }
      }
      for (const way of ['whole', 'streamed'] as const) {
        const list = figures[way];
        const range = (pick: (f: Figures) => number, digits: number) =>
          `${Math.min(...list.map(pick)).toFixed(digits)} to ${Math.max(...list.map(pick)).toFixed(digits)}`;
        console.log(
          `  ${format.toUpperCase().padEnd(4)} ${way === 'whole' ? 'built whole (before)' : 'streamed (now)      '}  ${list[0]?.count.toLocaleString('en')} entries, ${list[0]?.sizeMiB.toFixed(0)} MiB file:` +
            ` peak RSS ${range((f) => f.aboveIdleMiB, 0)} MiB above idle, CPU ${range((f) => f.cpuMs, 0)} ms, wall ${range((f) => f.wallMs, 0)} ms`,
        );
      }
      const worst = Math.max(...figures.streamed.map((f) => f.aboveIdleMiB));
      console.log(`  ${format.toUpperCase()} goal <= 50 MiB above idle: ${worst <= 50 ? 'met' : 'NOT met'}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
