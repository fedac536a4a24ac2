/**
 * Whether the owner of an outbox row is still there, asked about real processes: one that is
 * running, one that has exited, and a pid whose start mark does not match (a recycled pid).
 */
import { spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { ownerIsAlive, processStartMark, registerOwner, releaseOwner } from './row-owner.ts';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startSleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

it('a running process owns its rows; once it exits (or the pid belongs to another start) they are abandoned', async () => {
  const child = startSleeper();
  const pid = child.pid!;
  const start = processStartMark(pid);
  expect(ownerIsAlive({ pid, start, instance: 'other-store' })).toBe(true);
  if (start !== null) expect(ownerIsAlive({ pid, start: `${start}1`, instance: 'other-store' })).toBe(false);

  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  expect(ownerIsAlive({ pid, start, instance: 'other-store' })).toBe(false);
});

it('in this process, a store owns its rows while open; a row without an owner (an older build) is abandoned', () => {
  const owner = registerOwner('store-a');
  expect(ownerIsAlive(owner)).toBe(true);
  expect(ownerIsAlive({ ...owner, instance: 'store-never-opened' })).toBe(false);
  releaseOwner('store-a');
  expect(ownerIsAlive(owner)).toBe(false);
  expect(ownerIsAlive({ pid: null, start: null, instance: null })).toBe(false);
});
