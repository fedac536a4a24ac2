import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStudio } from '../test-studio.fixture.ts';
import { LONGEST_PAUSE_MS } from './rate-budget.ts';
import { RATE_BUDGET_FILE, openSharedRateBudgets } from './shared-rate-budget.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const CHILD = join(import.meta.dirname, 'budget-child.fixture.ts');

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-budget-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A child process on the data folder; `lines` fills as it prints. */
function runChild(...args: string[]) {
  const child = spawn(NODE, [CHILD, dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let pending = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // The exit code, or the signal's name when one ended it.
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, lines, exited, stderr: () => stderr, onLine: (listener: () => void) => listeners.add(listener) };
}

function until(condition: () => boolean, children: ReturnType<typeof runChild>[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => condition() && resolve();
    for (const child of children) child.onLine(check);
    check();
  });
}

const granted = (lines: string[]) => lines.filter((line) => line === 'granted').length;

describe('one budget for every process of a data folder', () => {
  it('two processes taking 8 each from a budget of 10 get 10 between them; Ctrl+C ends the waiting one', async () => {
    const first = runChild('take', '8');
    const second = runChild('take', '8');
    // Both listen for SIGINT once they print `ready`.
    await until(
      () => first.lines.includes('ready') && second.lines.includes('ready') && granted(first.lines) + granted(second.lines) >= 10,
      [first, second],
    );
    // The rest wait for a slot an hour away; SIGINT (Ctrl+C) must end that wait.
    first.child.kill('SIGINT');
    second.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);

    expect([...first.lines, ...second.lines].filter((line) => !['ready', 'granted', 'cancelled'].includes(line))).toEqual([]);
    expect(granted(first.lines) + granted(second.lines)).toBe(10);
    // Whoever was still waiting heard the cancel instead of hanging.
    expect([...first.lines, ...second.lines].filter((line) => line === 'cancelled')).toHaveLength(
      [first, second].filter(({ lines }) => granted(lines) < 8).length,
    );
    expect(first.stderr() + second.stderr()).toBe('');
    const db = new DatabaseSync(join(dir, RATE_BUDGET_FILE), { readOnly: true });
    expect(db.prepare("SELECT count(*) AS n FROM starts WHERE budget = 'profile-1'").get()).toEqual({ n: 10 });
    db.close();
  });

  it("a day-long Retry-After recorded by one process makes another fail THROTTLED at once, with MPSD's time", async () => {
    const pauser = runChild('pause', String(86_400_000));
    expect(await pauser.exited).toBe(0);
    const sender = runChild('take', '1');
    await until(() => sender.lines.some((text) => text.startsWith('throttled ')), [sender]);
    sender.child.kill('SIGINT');
    expect(await sender.exited).toBe(0);
    const line = sender.lines.find((text) => text.startsWith('throttled '));
    expect(line).toBeDefined();
    const retryAt = Date.parse(line!.slice('throttled '.length));
    // About a day from now (the child recorded it a moment ago): not waited, not forgotten.
    expect(retryAt - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(granted(sender.lines)).toBe(0);
  });
});

describe('one connection for every budget of a process', () => {
  /** This process's open descriptors on the budget file itself (SQLite holds one per connection). */
  const budgetFileHandles = () =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === join(dir, RATE_BUDGET_FILE);
      } catch {
        return false;
      }
    }).length;

  it("core opens rate-budget.sqlite once for MPSD's budgets and MPA's four buckets", async (context) => {
    if (process.platform !== 'linux') return context.skip('counts open files through /proc/self/fd');
    const studio = await openTestStudio(dir);
    try {
      expect(budgetFileHandles()).toBe(1);
    } finally {
      await studio.close();
    }
    expect(budgetFileHandles()).toBe(0);
  });

  it('each key keeps the windows it was first asked with, on the one file', async () => {
    const clock = createVirtualClock();
    const budgets = openSharedRateBudgets({
      dataDir: dir,
      clock,
      windows: [{ limit: 1, windowMs: 1000 }],
      safetyMarginMs: 0,
      onFallback: (message) => expect.unreachable(message),
    });
    try {
      const start = clock.now();
      const roomy = budgets.budgetFor('mpa/invite/p1/1234', { windows: [{ limit: 3, windowMs: 5000 }] });
      for (let index = 0; index < 3; index += 1) await roomy.take();
      expect(clock.now() - start).toBe(0);
      // The default windows: the second start waits a whole second.
      await budgets.budgetFor('profile-1').take();
      await budgets.budgetFor('profile-1').take();
      expect(clock.now() - start).toBe(1000);
      const db = new DatabaseSync(join(dir, RATE_BUDGET_FILE), { readOnly: true });
      expect(db.prepare('SELECT budget, count(*) AS n FROM starts GROUP BY budget ORDER BY budget').all()).toEqual([
        { budget: 'mpa/invite/p1/1234', n: 3 },
        { budget: 'profile-1', n: 2 },
      ]);
      db.close();
    } finally {
      budgets.close();
    }
  });

  it('forgets the starts that can no longer decide a wait every 64 starts, and paces the same', async () => {
    const clock = createVirtualClock();
    const budgets = openSharedRateBudgets({
      dataDir: dir,
      clock,
      windows: [{ limit: 2, windowMs: 1000 }],
      safetyMarginMs: 0,
      onFallback: (message) => expect.unreachable(message),
    });
    const db = new DatabaseSync(join(dir, RATE_BUDGET_FILE), { readOnly: true });
    const kept = () => (db.prepare("SELECT count(*) AS n FROM starts WHERE budget = 'profile-1'").get() as { n: number }).n;
    try {
      const start = clock.now();
      const budget = budgets.budgetFor('profile-1');
      for (let index = 0; index < 63; index += 1) await budget.take();
      expect(kept()).toBe(63);
      await budget.take();
      // The 64th start: only the newest two (the window's limit) are kept.
      expect(kept()).toBe(2);
      // Two per second all along, before and after: 65 starts take 32 s.
      await budget.take();
      expect(clock.now() - start).toBe(32_000);
    } finally {
      db.close();
      budgets.close();
    }
  });
});

describe('a pause read back from the file', () => {
  it('past a day (damaged, or written by a build that believed any Retry-After) counts as a day from its first reading and is mended', async () => {
    const clock = createVirtualClock();
    openSharedRateBudgets({ dataDir: dir, clock, onFallback: (message) => expect.unreachable(message) }).close();
    const raw = new DatabaseSync(join(dir, RATE_BUDGET_FILE));
    // What such a build stored for `Retry-After: 99999999999999`: more than node:sqlite reads as a number.
    raw.prepare('INSERT INTO pauses (budget, until) VALUES (?, ?)').run('far', 100_001_796_153_091_024n);
    raw.prepare('INSERT INTO pauses (budget, until) VALUES (?, ?)').run('garbled', 'soon');
    raw.close();

    const budgets = openSharedRateBudgets({ dataDir: dir, clock, onFallback: (message) => expect.unreachable(message) });
    try {
      const dayAhead = clock.now() + LONGEST_PAUSE_MS;
      const refusal = (retryAfterMs: number) => ({
        code: 'THROTTLED',
        details: { retryAt: new Date(dayAhead).toISOString(), retryAfterMs },
      });
      await expect(budgets.budgetFor('far').take()).rejects.toMatchObject(refusal(LONGEST_PAUSE_MS));
      // An hour later the pause still ends at the same time: it does not slide a day ahead at every reading.
      await clock.sleep(3_600_000);
      await expect(budgets.budgetFor('far').take()).rejects.toMatchObject(refusal(LONGEST_PAUSE_MS - 3_600_000));
      // A pause that is not a time at all paces nothing and is dropped.
      await budgets.budgetFor('garbled').take();
      const db = new DatabaseSync(join(dir, RATE_BUDGET_FILE), { readOnly: true });
      expect(db.prepare('SELECT budget, until FROM pauses ORDER BY budget').all()).toEqual([{ budget: 'far', until: dayAhead }]);
      db.close();
    } finally {
      budgets.close();
    }
  });
});

describe('a budget file that cannot be used', () => {
  it('falls back to this process, says so once, and keeps pacing sends', async () => {
    // A folder where the file should be: SQLite cannot open it.
    mkdirSync(join(dir, RATE_BUDGET_FILE));
    const clock = createVirtualClock();
    const told: string[] = [];
    const budgets = openSharedRateBudgets({
      dataDir: dir,
      clock,
      windows: [{ limit: 2, windowMs: 1000 }],
      safetyMarginMs: 0,
      onFallback: (message) => told.push(message),
    });
    // Said when the data folder is opened, where every front door shows notices.
    expect(told).toHaveLength(1);
    const start = clock.now();
    for (let index = 0; index < 3; index += 1) await budgets.budgetFor('profile-1').take();
    await budgets.budgetFor('profile-2').take();
    // Still paced: the third start of profile-1 waited for the window.
    expect(clock.now() - start).toBe(1000);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(join(dir, RATE_BUDGET_FILE));
    expect(told[0]).toMatch(/paced on their own/);
    budgets.close();
  });

  it('is among the notices of the data folder, so the app and the CLI show it', async () => {
    mkdirSync(join(dir, RATE_BUDGET_FILE));
    const studio = await openTestStudio(dir);
    try {
      expect(studio.notices.filter((notice) => notice.message.includes(RATE_BUDGET_FILE))).toHaveLength(1);
    } finally {
      await studio.close();
    }
  });

  it('a pause recorded before the file failed still holds afterwards', async () => {
    const clock = createVirtualClock();
    const told: string[] = [];
    const budgets = openSharedRateBudgets({ dataDir: dir, clock, onFallback: (message) => told.push(message) });
    const budget = budgets.budgetFor('profile-1');
    await budget.take();
    budget.backOffUntil(clock.now() + 86_400_000);
    // The file goes away under us (here: closed), as a failing disk would make it fail.
    budgets.close();
    rmSync(join(dir, RATE_BUDGET_FILE));
    mkdirSync(join(dir, RATE_BUDGET_FILE));
    await expect(budget.take()).rejects.toMatchObject({ code: 'THROTTLED', details: { retryAfterMs: 86_400_000 } });
  });
});
