/**
 * What starting the CLI costs next to starting Node itself. Run: `node bench/cli-start.ts [rounds]`
 * (default 20 rounds, about a minute on a quiet 2-core machine). Prints figures; asserts nothing.
 *
 * Three commands run one after the other in each round, in a different order every round
 * (paired and interleaved, so a busy moment on the machine hits all three alike):
 *   - `node -e 0`                  the floor: what any Node program costs to start and stop
 *   - `handle-studio --help`
 *   - `handle-studio invite send`  with XBL_AUTHORIZATION, to a loopback server standing in
 *                                  for MPSD that refuses it (400), so nothing is retried
 * CPU is the child's own user+sys time (`process.resourceUsage()` when it exits, reported by a
 * `--require`d file on a pipe; every child, `node -e 0` too, loads it). Wall is from spawn to exit,
 * and for the send also to the moment its request reached the server ("send start").
 *
 * The bin runs the prebuilt bundle when it is up to date; this builds it first (as
 * `npm run build` does) and says so if a source changed during the run, which would have
 * sent the later runs to the TypeScript sources instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upToDateBundle } from '../bin/cli-bundle.js';
import { buildCli } from '../scripts/build-cli.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'handle-studio.js');
const BUNDLE = new URL('../out/cli/', import.meta.url);
const ROUNDS = Number(process.argv[2] ?? 20);
/** Runs before measuring, not counted: the first runs fill Node's compile cache. */
const WARM_UP_ROUNDS = 2;
const GOALS = { help: 4, send: 8 } as const;

interface Run {
  cpuMs: number;
  wallMs: number;
  /** For the send: spawn to the request's arrival at the stand-in MPSD. */
  startMs?: number;
}

const work = mkdtempSync(join(tmpdir(), 'handle-studio-cli-start-'));
const reporter = join(work, 'cpu-at-exit.cjs');
// Written on fd 3 at exit: user+sys in microseconds. fs is already loaded inside every Node process.
writeFileSync(
  reporter,
  "process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(3, String(u.userCPUTime + u.systemCPUTime)); });\n",
);
const dataDir = join(work, 'data');

/** The stand-in MPSD: notes when each request arrives and refuses it, as MPSD refuses a bad request. */
let arrived: (() => void) | undefined;
const server: Server = createServer((request, response) => {
  arrived?.();
  request.resume();
  request.on('end', () => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ code: 400, message: 'Refused by the benchmark.' }));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function run(args: string[], env: NodeJS.ProcessEnv = {}, waitsForRequest = false): Promise<Run> {
  const started = performance.now();
  let startMs: number | undefined;
  if (waitsForRequest) arrived = () => (startMs ??= performance.now() - started);
  const child = spawn(process.execPath, ['--require', reporter, ...args], {
    cwd: ROOT,
    env: { ...process.env, HANDLE_STUDIO_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let cpu = '';
  let stderr = '';
  child.stdio[3]?.on('data', (chunk: Buffer) => (cpu += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      if (cpu === '') return reject(new Error(`${args.join(' ')} exited with ${code} without reporting its CPU time: ${stderr}`));
      if (waitsForRequest && startMs === undefined)
        return reject(new Error(`the send never reached the stand-in MPSD (exit ${code}): ${stderr}`));
      resolve({ cpuMs: Number(cpu) / 1000, wallMs, ...(startMs === undefined ? {} : { startMs }) });
    });
  });
}

let sendCount = 0;
const commands = {
  node: () => run(['-e', '0']),
  help: () => run([BIN, '--help']),
  send: () => {
    sendCount += 1;
    // A new user hash each time: the client paces each user to MPSD's 30 calls per 15 s, and this is not about pacing.
    const authorization = `XBL3.0 x=${1_000_000 + sendCount};eyJhbGciOiJub25lIn0.eyJiZW5jaCI6MX0.c2lnbmF0dXJl`;
    return run(
      [
        BIN,
        'invite',
        'send',
        '--scid',
        'bd6c41c3-01c3-468a-a3b5-3e0fe8133862',
        '--template',
        'GameSession',
        '--session',
        'bench',
        '--title-id',
        '1234',
        '--to',
        '2814679796296492',
        '--endpoint',
        endpoint,
        '--json',
      ],
      { XBL_AUTHORIZATION: authorization },
      true,
    );
  },
} as const;
type Name = keyof typeof commands;
const names = Object.keys(commands) as Name[];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at((sorted.length - 1) / 2) : (at(sorted.length / 2 - 1) + at(sorted.length / 2)) / 2;
};

const built = await buildCli();
console.log(
  `Built out/cli from ${built.inputs.length} source files. ${ROUNDS} rounds (+${WARM_UP_ROUNDS} warm-up), Node ${process.versions.node}.`,
);

const runs: Record<Name, Run[]> = { node: [], help: [], send: [] };
for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round += 1) {
  // Rotate who goes first, so no command always runs right after a particular other one.
  const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
  for (const name of order) {
    const result = await commands[name]();
    if (round >= WARM_UP_ROUNDS) runs[name].push(result);
  }
}
const stale = upToDateBundle(BUNDLE) === undefined;
server.close();
rmSync(work, { recursive: true, force: true });

const floor = { cpu: median(runs.node.map((r) => r.cpuMs)), wall: median(runs.node.map((r) => r.wallMs)) };
/** Median of the per-round ratios: each run against the `node -e 0` of its own round. */
const pairedRatio = (name: Name, pick: (r: Run) => number) => median(runs[name].map((r, index) => pick(r) / pick(runs.node[index] ?? r)));

const rows = [
  ['node -e 0', floor.cpu, floor.wall, '1.0', '1.0', ''],
  ...(['help', 'send'] as const).map((name) => {
    const cpu = median(runs[name].map((r) => r.cpuMs));
    const ratio = pairedRatio(name, (r) => r.cpuMs);
    return [
      name === 'help' ? 'handle-studio --help' : 'handle-studio invite send',
      cpu,
      median(runs[name].map((r) => r.wallMs)),
      ratio.toFixed(1),
      pairedRatio(name, (r) => r.wallMs).toFixed(1),
      `CPU <= ${GOALS[name]}x: ${ratio <= GOALS[name] ? 'met' : 'NOT met'}`,
    ] as const;
  }),
] as const;
console.log(
  `\n${'command'.padEnd(28)}${'CPU ms'.padStart(9)}${'wall ms'.padStart(10)}${'CPU x'.padStart(8)}${'wall x'.padStart(8)}   goal`,
);
for (const [label, cpu, wall, cpuRatio, wallRatio, goal] of rows) {
  console.log(
    `${label.padEnd(28)}${cpu.toFixed(1).padStart(9)}${wall.toFixed(1).padStart(10)}${cpuRatio.padStart(8)}${wallRatio.padStart(8)}   ${goal}`,
  );
}
const sendStart = median(runs.send.map((r) => r.startMs ?? Number.NaN));
console.log(
  `\ninvite send: its request reached the stand-in MPSD ${sendStart.toFixed(1)} ms after spawn (median), ${(sendStart / floor.wall).toFixed(1)}x the wall of node -e 0.`,
);
console.log(
  'CPU x and wall x are medians of per-round ratios (each run against the node -e 0 of its round); CPU ms and wall ms are medians.',
);
if (stale)
  console.log(
    '\nWARNING: a source file changed during the run, so the bundle went stale and later runs used the TypeScript sources. Run again.',
  );
