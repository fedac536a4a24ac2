/**
 * Parallel commands on a FRESH data folder (the first thing a script running 8 CLI commands at
 * once does): every process finds no schema, and all but the first wait for its lock to make
 * the tables. Each must then see them made, not make them again ("table history already
 * exists"). Real Node processes (open-all-files.fixture.ts), started together, each opening
 * every SQLite file the app creates; a few rounds, each on a new folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const OPENER = join(import.meta.dirname, 'open-all-files.fixture.ts');
const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function openAtOnce(dataDir: string, count: number): Promise<Array<{ code: number | null; stderr: string }>> {
  const openers = Array.from({ length: count }, () => {
    const child = spawn(NODE, [OPENER, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stderr })),
    );
    return { child, ready: lines.next(), exited };
  });
  for (const opener of openers) expect((await opener.ready).value).toBe('ready');
  for (const opener of openers) opener.child.stdin.end('go\n');
  return Promise.all(openers.map((opener) => opener.exited));
}

it('8 processes opening history, outbox, drafts and the rate budget at once on a fresh folder: all open, 3 rounds', async () => {
  for (let round = 0; round < 3; round += 1) {
    const dataDir = mkdtempSync(join(tmpdir(), 'hs-fresh-at-once-'));
    folders.push(dataDir);
    expect(await openAtOnce(dataDir, 8)).toEqual(Array.from({ length: 8 }, () => ({ code: 0, stderr: '' })));
  }
}, 300_000);
