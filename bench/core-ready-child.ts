/**
 * Run by bench/core-start.ts in a child process (from this source, or bundled): opens the app
 * core over the data folder named in argv[2] and writes on stdout how long after this process
 * started core was ready, and the CPU it had used by then. With `--after-crash` as argv[3] it
 * first removes history's clean-close mark, so the start pays the integrity check.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../app/core/clock.ts';
import { createHandleStudio } from '../app/core/handle-studio.ts';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('Give the data folder as the first argument.');
// As after a run that did not close: no clean-close mark, so history's integrity check runs (see sqlite-file.ts).
if (process.argv[3] === '--after-crash') rmSync(join(dataDir, 'history.sqlite-clean'), { force: true });
const studio = await createHandleStudio({ dataDir, shell: 'cli', version: 'bench', fetch: globalThis.fetch, clock: systemClock });
// performance.now() counts from this process's start.
const readyMs = performance.now();
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ readyMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
await studio.close();
