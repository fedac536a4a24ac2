/**
 * A lock on one file shared by every Handle Studio process on the data folder (the app, the
 * browser-mode host, any number of CLI commands), so a read-modify-write of a JSON store is
 * one step for all of them. No fcntl and no native module: the lock is a file `<file>.lock`
 * created with O_EXCL, which Windows, macOS and Linux all make atomic, holding who took it.
 *
 * A lock whose holder is gone (kill -9, a crash, power loss) is taken over: its process no
 * longer runs on this machine, or it is older than `staleAfterMs` (its pid may have been given
 * to another program since, or it was taken on another machine sharing the folder). Taking
 * over renames the lock aside rather than deleting it, and checks the renamed file is the one
 * judged stale: if a live holder's fresh lock was moved instead (two processes took over the
 * same stale lock at once), it is linked back. A live holder is waited for up to `waitMs`,
 * then the caller gets a STORAGE error that names the holder and what to do.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { HandleStudioError } from '../../shared/errors.ts';
import { diskFault } from './storage-errors.ts';

export interface FileLockOptions {
  /** How long to wait for a live holder (ms). */
  waitMs?: number;
  /** A lock older than this is taken over whoever holds it (ms); holders keep it for one small file write. */
  staleAfterMs?: number;
  /**
   * For a read: when the folder is read-only (the lock file cannot be made), run `work`
   * without the lock. Nothing changes the file through such a folder, and a read must not fail for it.
   */
  unlockedWhenReadOnly?: boolean;
}

/** Default waits: a holder keeps the lock for one write of a small file, milliseconds even on a slow disk. */
const WAIT_MS = 10_000;
const STALE_AFTER_MS = 10_000;
/** A lock with no holder written in it yet is the moment between its creation and its first write. */
const UNWRITTEN_STALE_AFTER_MS = 2_000;

interface Holder {
  pid: number;
  host: string;
  token: string;
}

/** What the lock file holds now: its identity on disk, its text and the holder it names. */
interface LockSeen {
  stat: Stats;
  text: string;
  holder: Holder | undefined;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readLock(path: string): LockSeen | undefined {
  try {
    const stat = statSync(path);
    const text = readFileSync(path, 'utf8');
    let holder: Holder | undefined;
    try {
      const parsed = JSON.parse(text) as Partial<Holder>;
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
        holder = { pid: parsed.pid, host: parsed.host, token: parsed.token };
      }
    } catch {
      // Not written yet (or cut short by a crash): judged by its age alone.
    }
    return { stat, text, holder };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(seen: LockSeen, staleAfterMs: number): boolean {
  const age = Date.now() - seen.stat.mtimeMs;
  if (seen.holder === undefined) return age > UNWRITTEN_STALE_AFTER_MS;
  if (seen.holder.host === hostname() && !processRuns(seen.holder.pid)) return true;
  return age > staleAfterMs;
}

const sameLock = (a: LockSeen, b: LockSeen) => a.stat.dev === b.stat.dev && a.stat.ino === b.stat.ino && a.text === b.text;

/** Removes the stale lock `judged`, and only it: a fresh lock moved by mistake is put back. */
function takeOver(path: string, judged: LockSeen): void {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // Another process took it over first.
    throw error;
  }
  const moved = readLock(aside);
  if (moved !== undefined && !sameLock(moved, judged)) {
    try {
      linkSync(aside, path);
    } catch {
      // A new lock is already in place: its holder goes first, and the one moved keeps its own file until it releases.
    }
  }
  rmSync(aside, { force: true });
}

function tryCreate(path: string, holder: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } catch (error) {
    // A full disk: no lock, and no empty lock file left for others to wait out.
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return true;
}

function release(path: string, token: string): void {
  try {
    // Only our own lock: after a takeover (we held it past staleAfterMs) the file is someone else's.
    if (readLock(path)?.holder?.token === token) rmSync(path, { force: true });
  } catch {
    // Windows refuses to delete a file another process is reading at that instant. The work is done; the
    // lock left behind names this process, and is taken over when it exits or after staleAfterMs.
  }
}

/** A STORAGE error for a lock still held by a live process after the wait. */
function heldTooLong(lockPath: string, what: string, seen: LockSeen | undefined): HandleStudioError {
  const holder = seen?.holder;
  const who = holder ? `process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}` : 'another process';
  return new HandleStudioError(
    'STORAGE',
    `The ${what} is being changed by another Handle Studio ${who}, which did not finish in time: nothing was changed. Try again; if no other Handle Studio is running, delete ${lockPath} and try again.`,
    { fault: 'locked', path: lockPath },
  );
}

/** Takes the lock: waits for a live holder up to `waitMs`, takes over a stale one. */
function acquire(lockPath: string, holder: Holder, what: string, waitMs: number, staleAfterMs: number): void {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; !tryCreate(lockPath, holder); attempt += 1) {
    const seen = readLock(lockPath);
    if (seen === undefined) continue; // Released between our try and our look.
    if (isStale(seen, staleAfterMs)) {
      takeOver(lockPath, seen);
      continue;
    }
    if (Date.now() >= deadline) throw heldTooLong(lockPath, what, seen);
    sleep(Math.min(2 + attempt * 2, 50));
  }
}

/**
 * Runs `work` holding the lock `<file>.lock`; `what` names the file in the error a lock held
 * too long gives ("presets file"). Errors making the lock file itself (a read-only folder)
 * reach the caller as they are, for its own words, unless `unlockedWhenReadOnly`.
 */
export function withFileLock<T>(file: string, what: string, work: () => T, options: FileLockOptions = {}): T {
  const lockPath = `${file}.lock`;
  const holder: Holder = { pid: process.pid, host: hostname(), token: randomUUID() };
  try {
    acquire(lockPath, holder, what, options.waitMs ?? WAIT_MS, options.staleAfterMs ?? STALE_AFTER_MS);
  } catch (error) {
    if (options.unlockedWhenReadOnly !== true || diskFault(error) !== 'read-only') throw error;
    return work();
  }
  try {
    return work();
  } finally {
    release(lockPath, holder.token);
  }
}
