/**
 * Who owns an outbox row that is being sent (or journaled by a live send): the process id,
 * that process's start mark (so a recycled pid is not mistaken for the owner) and the store
 * instance inside it. Only rows whose owner is gone may be relabelled "outcome unknown" or
 * dropped; a row another running process is sending is left alone, whatever its age.
 */
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

export interface RowOwner {
  pid: number;
  /** When the process started, as the OS tells it; null where the OS gives no cheap answer. */
  start: string | null;
  /** One per open outbox store, so a store closed in a still-running process counts as gone. */
  instance: string;
  /** Which boot of the machine the owner ran in (see `bootMark`). */
  boot: string;
}

/**
 * This boot of the machine: Linux's boot id; elsewhere the boot time to the minute, from the
 * uptime. Rows a live send wrote in an earlier boot may have lost their last commits to a power
 * loss (they are not all fsynced), so the outbox reads them more cautiously. A mark that differs
 * within one boot (the clock was changed, a boot time on a minute's edge) only makes it cautious
 * where it did not need to be.
 */
export function bootMark(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `booted-${Math.round((Date.now() - uptime() * 1000) / 60_000)}`;
  }
}

/**
 * Linux: field 22 of /proc/PID/stat (start time in clock ticks since boot), the same for
 * every reader. Elsewhere null, and liveness falls back to the pid alone.
 */
export function processStartMark(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (thrown) {
    // EPERM: it exists but belongs to another user.
    return (thrown as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const OWN_START = processStartMark(process.pid);
const OWN_BOOT = bootMark();
/** Store instances open in this process right now. */
const openInstances = new Set<string>();

export function registerOwner(instance: string): RowOwner {
  openInstances.add(instance);
  return { pid: process.pid, start: OWN_START, instance, boot: OWN_BOOT };
}

export function releaseOwner(instance: string): void {
  openInstances.delete(instance);
}

/** True while the owner may still settle the row. A row without an owner predates ownership: its owner is gone. */
export function ownerIsAlive(owner: { pid: number | null; start: string | null; instance: string | null }): boolean {
  if (owner.pid === null || owner.instance === null) return false;
  if (owner.pid === process.pid && (owner.start === null || owner.start === OWN_START)) return openInstances.has(owner.instance);
  if (!processIsRunning(owner.pid)) return false;
  if (owner.start === null) return true;
  const start = processStartMark(owner.pid);
  // No mark readable now (another OS, /proc hidden): trust the pid.
  return start === null || start === owner.start;
}
