/**
 * What the keychain helper process costs, printed as figures (not a test). Run it where a
 * Secret Service answers, e.g. on Linux:
 * `HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; node bench/keychain-helper.ts'`
 *
 * Times the first call (starting the helper), then `rounds` reads of one small entry through
 * the helper and through keytar loaded in this process, and prints the median and p95 of each
 * and the difference: the price of keytar never being able to crash the app.
 */
import { performance } from 'node:perf_hooks';
import { keytarInHelper } from '../app/core/credentials/keychain-helper.ts';

const ROUNDS = Number(process.argv[2] ?? 300);
const SERVICE = `Handle Studio bench ${process.pid}`;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function time(label: string, call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = quantile(times, 0.5);
  console.log(`${label.padEnd(34)} median ${median.toFixed(2)} ms   p95 ${quantile(times, 0.95).toFixed(2)} ms`);
  return median;
}

const helper = keytarInHelper({ timeoutMs: 10_000 });
const coldStart = performance.now();
await helper.setPassword(SERVICE, 'entry', 'x'.repeat(200));
console.log(`first call (starts the helper)     ${(performance.now() - coldStart).toFixed(1)} ms`);

const imported = (await import('keytar')) as { default: typeof helper };
const inProcess = imported.default;

const viaHelper = await time('getPassword through the helper', () => helper.getPassword(SERVICE, 'entry'));
const direct = await time('getPassword in this process', () => inProcess.getPassword(SERVICE, 'entry'));
console.log(`cost of the helper per call         ${(viaHelper - direct).toFixed(2)} ms (median)`);
await inProcess.deletePassword(SERVICE, 'entry');
process.exit(0);
