/**
 * `node scripts/check-bundle-budget.ts [--dir out/renderer]` (after `electron-vite build`):
 * the page stays small enough to open at once (issue 12). Two budgets, in gzipped bytes:
 *
 *  - the whole UI, every screen included: at most 60 KB;
 *  - the first load, what the first screen needs before it shows: at most 45 KB.
 *
 * Prints each figure against its budget (raw size too) and `N passed, N failed` last; exits 1
 * when a budget is exceeded or there is no build to measure. `node bench/renderer-size.ts`
 * says which modules take the room.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { kb, measureRenderer, type Size } from './renderer-size.ts';

export const budgets = { whole: 60_000, firstLoad: 45_000 } as const;

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const root = fileURLToPath(new URL('../', import.meta.url));
const dir = resolve(values.dir ?? join(root, 'out', 'renderer'));

if (!existsSync(join(dir, 'index.html'))) {
  console.log(`FAIL no built renderer at ${dir} (no index.html): run \`npx electron-vite build\` first.`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const size = await measureRenderer(dir);
const verdicts = [
  verdict('whole UI', size.whole, budgets.whole),
  verdict(`first load (${size.firstLoad.files.length} files)`, size.firstLoad, budgets.firstLoad),
];
const failed = verdicts.filter((ok) => !ok).length;
console.log(`${verdicts.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

function verdict(what: string, measured: Size, budget: number): boolean {
  const ok = measured.gzip <= budget;
  const over = ok ? '' : `: ${kb(measured.gzip - budget)} over; \`node bench/renderer-size.ts\` lists the largest modules`;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}: ${kb(measured.gzip)} gzipped (${kb(measured.raw)} raw), budget ${kb(budget)}${over}`);
  return ok;
}
