/**
 * Run by shared-stores.test.ts as separate Node processes sharing one data folder, each one
 * a Handle Studio process (a CLI command, the app) changing a JSON store at the same time:
 *
 * - `node store-writer.fixture.ts <dataDir> presets <prefix> <count>`: opens the presets once,
 *   as the app does, and saves `count` presets named `<prefix>-<n>`;
 * - `... profiles <prefix> <count>`: the same with profiles;
 * - `... hold <file>`: takes `<file>`'s lock, prints `held`, and keeps it until killed.
 *
 * Each waits for a line on stdin before it writes, so all of them start at once; then it
 * prints `done` and exits (an error: its message on stderr, exit 1).
 */
import { createInterface } from 'node:readline';
import { openPresetsStore, confPresetFileSource } from '../presets/presets-store.ts';
import { ProfileStore } from '../profiles/profile-store.ts';
import { withFileLock } from './file-lock.ts';

const [dataDir, mode, prefix, amount] = process.argv.slice(2);
if (!dataDir || !mode || !prefix) {
  process.stderr.write('usage: store-writer.fixture.ts <dataDir> presets|profiles <prefix> <count> | hold <file>\n');
  process.exit(2);
}

function holdForever(): never {
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

if (mode === 'hold') {
  withFileLock(prefix, 'test file', () => {
    process.stdout.write('held\n');
    holdForever();
  });
}

const count = Number(amount);
const presets = mode === 'presets' ? openPresetsStore({ source: confPresetFileSource(dataDir) }) : undefined;
const profiles = mode === 'profiles' ? ProfileStore.open({ directory: dataDir }) : undefined;
process.stdout.write('ready\n');

createInterface({ input: process.stdin }).once('line', () => {
  try {
    for (let n = 1; n <= count; n += 1) {
      const name = `${prefix}-${n}`;
      presets?.create({
        name,
        sessionRef: { scid: '00000000-0000-0000-0000-000000000001', templateName: 'GameSession', name: 's' },
        inviteAttributes: { titleId: '1', context: '', contextString: '', senderString: undefined },
        recipients: [{ label: '', xuid: '2814660000000002' }],
        joinAndSetActivityFirst: false,
        notes: '',
      });
      profiles?.save({ name, environment: 'production', sandboxId: 'XDKS.1' });
    }
    process.stdout.write('done\n');
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
});
