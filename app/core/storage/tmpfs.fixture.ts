/**
 * A small tmpfs for a test, so disk faults are real: fill it for "disk full", remount it
 * read-only for "cannot write". Needs root on Linux; elsewhere it says why, for `context.skip`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  path: string;
  /** Remounts it read-only (true) or writable again (false). */
  readOnly(on: boolean): void;
  /** Unmounts it and removes the mount point. */
  remove(): void;
}

/** A tmpfs of `size` (e.g. '3m'), or why none can be mounted here. */
export function mountTmpfs(size: string): Tmpfs | { missing: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { missing: 'mounting a tmpfs needs root on Linux' };
  const path = mkdtempSync(join(tmpdir(), 'handle-studio-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    return { missing: `mount -t tmpfs is not permitted here (${String(error).slice(0, 120)})` };
  }
  return {
    path,
    readOnly: (on) => execFileSync('mount', ['-o', on ? 'remount,ro' : 'remount,rw', path]),
    remove: () => {
      execFileSync('umount', ['-l', path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
