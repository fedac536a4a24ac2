/**
 * The JSON stores (presets.json, profiles.json) shared by processes writing at once: real
 * Node processes (store-writer.fixture.ts) on one data folder, started together, every save
 * present afterwards; a lock left by a process killed with SIGKILL taken over; a lock a live
 * process keeps too long refused in words, with nothing lost.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { confPresetFileSource, openPresetsStore } from '../presets/presets-store.ts';
import { ProfileStore } from '../profiles/profile-store.ts';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const WRITER = join(import.meta.dirname, 'store-writer.fixture.ts');

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-shared-stores-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Writer {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the next line the process prints. */
  line(): Promise<string>;
  exited: Promise<{ code: number | null; stderr: string }>;
}

function writer(...args: string[]): Writer {
  const child = spawn(NODE, [WRITER, dir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, line: async () => String((await lines.next()).value), exited };
}

/** Starts `count` writers, lets them all open the store, then has them write at once; all must succeed. */
async function writeAtOnce(kind: 'presets' | 'profiles', count: number, each: number): Promise<void> {
  const writers = Array.from({ length: count }, (_, n) => writer(kind, `w${n}`, String(each)));
  for (const w of writers) expect(await w.line()).toBe('ready');
  for (const w of writers) w.child.stdin.end('go\n');
  for (const w of writers) expect(await w.exited).toEqual({ code: 0, stderr: '' });
}

const expectedNames = (count: number, each: number) =>
  Array.from({ length: count }, (_, n) => Array.from({ length: each }, (_, m) => `w${n}-${m + 1}`))
    .flat()
    .sort();

/** A lock file as a process killed mid-change leaves it: naming a pid that no longer runs. */
async function lockOfDeadProcess(file: string): Promise<void> {
  const gone = spawn(NODE, ['-e', '']);
  await new Promise((resolve) => gone.on('close', resolve));
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: gone.pid, host: hostname(), token: 'dead' }));
}

it('8 processes saving 5 presets each at once, over a stale lock and beside an open store: all 40 saved, and the open store sees them', async () => {
  const app = openPresetsStore({ source: confPresetFileSource(dir) });
  const before = app.create({
    name: 'made in the app',
    sessionRef: { scid: '00000000-0000-0000-0000-000000000001', templateName: 'GameSession', name: 's' },
    inviteAttributes: { titleId: '1', context: '', contextString: '', senderString: undefined },
    recipients: [{ label: '', xuid: '2814660000000002' }],
    joinAndSetActivityFirst: false,
    notes: '',
  });
  await lockOfDeadProcess(join(dir, 'presets.json'));

  await writeAtOnce('presets', 8, 5);

  const names = (list: { name: string }[]) => list.map((p) => p.name).sort();
  expect(names(app.list())).toEqual([...expectedNames(8, 5), 'made in the app'].sort());
  // The app's next change is made to the file as it is now: nothing the others saved is written over.
  app.setFavourite(before.id, true);
  expect(names(openPresetsStore({ source: confPresetFileSource(dir) }).list())).toEqual(names(app.list()));
  expect(existsSync(join(dir, 'presets.json.lock'))).toBe(false);
}, 120_000);

it('6 processes adding 4 profiles each at once beside an open store: all 24 kept, and the open store sees them', async () => {
  const app = ProfileStore.open({ directory: dir });
  app.save({ name: 'made in the app', environment: 'production', sandboxId: 'XDKS.1' });

  await writeAtOnce('profiles', 6, 4);

  const names = (store: ProfileStore) =>
    store
      .list()
      .map((p) => p.name)
      .sort();
  expect(names(app)).toEqual([...expectedNames(6, 4), 'made in the app'].sort());
  // The app's next change is made to the file as it is now.
  app.activate(app.list().at(-1)?.id ?? '');
  expect(names(ProfileStore.open({ directory: dir }))).toEqual(names(app));
}, 120_000);

it('a lock held by a process killed with SIGKILL is taken over at once, whatever its age', async () => {
  const store = openPresetsStore({ source: confPresetFileSource(dir), lock: { waitMs: 60_000, staleAfterMs: 60_000 } });
  const holder = writer('hold', join(dir, 'presets.json'));
  expect(await holder.line()).toBe('held');
  holder.child.kill('SIGKILL');
  await holder.exited;
  expect(existsSync(join(dir, 'presets.json.lock'))).toBe(true);

  store.create({
    name: 'after the crash',
    sessionRef: { scid: '00000000-0000-0000-0000-000000000001', templateName: 'GameSession', name: 's' },
    inviteAttributes: { titleId: '1', context: '', contextString: '', senderString: undefined },
    recipients: [{ label: '', xuid: '2814660000000002' }],
    joinAndSetActivityFirst: false,
    notes: '',
  });
  expect(
    openPresetsStore({ source: confPresetFileSource(dir) })
      .list()
      .map((p) => p.name),
  ).toEqual(['after the crash']);
  expect(existsSync(join(dir, 'presets.json.lock'))).toBe(false);
}, 60_000);

it('a lock older than staleAfterMs is taken over even when its pid runs (a pid given to another program after a crash)', () => {
  const lock = join(dir, 'profiles.json.lock');
  // process.pid runs; the lock is a minute old.
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 'reused' }));
  const aMinuteAgo = new Date(Date.now() - 60_000);
  utimesSync(lock, aMinuteAgo, aMinuteAgo);
  const store = ProfileStore.open({ directory: dir, lock: { waitMs: 60_000, staleAfterMs: 10_000 } });
  store.save({ name: 'kept', environment: 'production', sandboxId: 'XDKS.1' });
  expect(
    ProfileStore.open({ directory: dir })
      .list()
      .map((p) => p.name),
  ).toEqual(['kept']);
});

it('a lock a live process keeps past the wait: STORAGE naming the process and the lock file, nothing changed or lost', async () => {
  const file = join(dir, 'presets.json');
  const cli = openPresetsStore({ source: confPresetFileSource(dir), keepUnsavedChanges: false, lock: { waitMs: 300 } });
  const first = cli.create({
    name: 'saved before',
    sessionRef: { scid: '00000000-0000-0000-0000-000000000001', templateName: 'GameSession', name: 's' },
    inviteAttributes: { titleId: '1', context: '', contextString: '', senderString: undefined },
    recipients: [{ label: '', xuid: '2814660000000002' }],
    joinAndSetActivityFirst: false,
    notes: '',
  });
  const onDisk = readFileSync(file, 'utf8');
  const holder = writer('hold', file);
  expect(await holder.line()).toBe('held');

  let thrown: unknown;
  try {
    cli.setFavourite(first.id, true);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({
    code: 'STORAGE',
    message: `The presets file is being changed by another Handle Studio process ${holder.child.pid}, which did not finish in time: nothing was changed. Try again; if no other Handle Studio is running, delete ${file}.lock and try again.`,
  });
  expect(readFileSync(file, 'utf8')).toBe(onDisk);
  expect(cli.get(first.id).favourite).toBe(false);

  holder.child.kill('SIGTERM');
  await holder.exited;
  expect(cli.setFavourite(first.id, true).favourite).toBe(true);
  expect(openPresetsStore({ source: confPresetFileSource(dir) }).get(first.id).favourite).toBe(true);
}, 60_000);
