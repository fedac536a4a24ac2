/**
 * How soon the app core is ready in a new process whose data folder holds 100,000 history
 * entries, next to how soon `node -e` runs its first line. Run: `node bench/core-start.ts [rounds]`
 * (default 15). Prints figures; asserts nothing. Goal: core ready <= 150 ms from process start.
 *
 * "Ready" is `createHandleStudio` resolved (every store open, start-up notices known), timed
 * inside the child with performance.now(), which counts from the process's start; CPU is the
 * child's user+sys by then. The core runs three ways, interleaved round by round with the floor:
 *   - bundled, as the CLI's out/cli and the app's out/main run it (built here the same way)
 *   - from the TypeScript sources, as browser mode and a CLI with a stale bundle run it
 *   - bundled, after a run that did not close cleanly: history's integrity check runs at open
 * Every child has a warm compile cache (the first rounds fill it and are not counted).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistoryStore } from '../app/core/history/history-store.ts';
import type { HistoryEntryInput } from '../app/core/history/history-entry.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../app/shared/mpsd/wire.ts';
import { bundleForNode } from '../scripts/build-cli.ts';

const ROOT = join(import.meta.dirname, '..');
const ROUNDS = Number(process.argv[2] ?? 15);
const WARM_UP_ROUNDS = 2;
const HISTORY_ENTRIES = 100_000;
const GOAL_MS = 150;
const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

const work = mkdtempSync(join(tmpdir(), 'handle-studio-core-start-'));
const dataDir = join(work, 'data');
const compileCache = join(work, 'compile-cache');
// Inside the repository, so the bundle's imports of packages find node_modules.
const bundleDir = join(ROOT, 'out', 'bench', 'core-ready');

/** An invite as the app records it; every 50th refused, so the history has both outcomes. */
function entry(n: number): HistoryEntryInput {
  const xuid = String(2814679796296491n + BigInt(n % 5000));
  const sessionRef = { scid: SCID, templateName: 'GameSession', name: `playtest-${n % 200}` };
  const failed = n % 50 === 0;
  return {
    at: new Date(Date.parse('2026-01-01T00:00:00Z') + n * 1500).toISOString(),
    profileId: 'profile-1',
    profileName: 'Dev account',
    sandbox: 'XDKS.1',
    kind: 'invite.send',
    sessionRef,
    invitedXuid: xuid,
    recipientLabel: `Tester ${n % 5000}`,
    request: {
      method: 'POST',
      url: 'https://sessiondirectory.xboxlive.com/handles',
      headers: {
        Authorization: AUTHORIZATION_PLACEHOLDER,
        'x-xbl-contract-version': '107',
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ version: 1, type: 'invite', sessionRef, invitedXuid: xuid }),
    },
    response: failed
      ? { status: 403, headers: { 'x-xblcorrelationid': `cv-${n}` }, body: 'The requested service config cannot be accessed.' }
      : {
          status: 201,
          headers: { 'x-xblcorrelationid': `cv-${n}` },
          body: JSON.stringify({ id: `handle-${n}`, type: 'invite', version: 1, sessionRef, invitedXuid: xuid }),
        },
    correlationId: `cv-${n}`,
    handleId: failed ? undefined : `handle-${n}`,
    durationMs: 80 + (n % 40),
    error: failed ? { code: 'FORBIDDEN', message: 'The requested service config cannot be accessed.' } : undefined,
  };
}

const filling = performance.now();
const history = openHistoryStore({ dataDir });
for (let n = 0; n < HISTORY_ENTRIES; n += 1) history.append(entry(n));
history.close();
console.log(
  `History of ${HISTORY_ENTRIES.toLocaleString('en')} entries written in ${((performance.now() - filling) / 1000).toFixed(1)} s.`,
);

await bundleForNode({ 'core-ready-child': join(ROOT, 'bench', 'core-ready-child.ts') }, bundleDir);

interface Ready {
  readyMs: number;
  cpuMs: number;
}

function run(args: string[]): Promise<Ready> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_COMPILE_CACHE: compileCache },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout) as Ready) : reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)),
    ),
  );
}

const variants = {
  'node -e (first line runs)': [
    '-e',
    'const c = process.cpuUsage(); process.stdout.write(JSON.stringify({ readyMs: performance.now(), cpuMs: (c.user + c.system) / 1000 }))',
  ],
  'core ready, bundled': [join(bundleDir, 'core-ready-child.js'), dataDir],
  'core ready, TS sources': [join(ROOT, 'bench', 'core-ready-child.ts'), dataDir],
  'bundled, after a crash': [join(bundleDir, 'core-ready-child.js'), dataDir, '--after-crash'],
} as const;
type Name = keyof typeof variants;
const names = Object.keys(variants) as Name[];
const results = Object.fromEntries(names.map((name) => [name, [] as Ready[]])) as Record<Name, Ready[]>;

for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round += 1) {
  const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
  for (const name of order) {
    const ready = await run([...variants[name]]);
    if (round >= WARM_UP_ROUNDS) results[name].push(ready);
  }
}
rmSync(work, { recursive: true, force: true });
rmSync(bundleDir, { recursive: true, force: true });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at((sorted.length - 1) / 2) : (at(sorted.length / 2 - 1) + at(sorted.length / 2)) / 2;
};
const floor = results['node -e (first line runs)'];
console.log(`\n${ROUNDS} rounds (+${WARM_UP_ROUNDS} warm-up), Node ${process.versions.node}\n`);
console.log(`${'what'.padEnd(28)}${'ready ms'.padStart(10)}${'CPU ms'.padStart(9)}${'ready x'.padStart(9)}   goal`);
for (const name of names) {
  const ready = median(results[name].map((r) => r.readyMs));
  // Each run against the floor of its own round, then the median.
  const ratio = median(results[name].map((r, index) => r.readyMs / (floor[index] ?? r).readyMs));
  const goal = name.startsWith('core') ? `<= ${GOAL_MS} ms: ${ready <= GOAL_MS ? 'met' : 'NOT met'}` : '';
  console.log(
    `${name.padEnd(28)}${ready.toFixed(1).padStart(10)}${median(results[name].map((r) => r.cpuMs))
      .toFixed(1)
      .padStart(9)}${ratio.toFixed(1).padStart(9)}   ${goal}`,
  );
}
console.log('\nready ms and CPU ms are medians; ready x is the median of each run over the node -e of its round.');
