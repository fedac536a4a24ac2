/**
 * A private Secret Service for one test: a fresh D-Bus session (dbus-run-session) with its
 * own gnome-keyring, unlocked with the password `pw`, in a throwaway HOME, so tests can
 * lock it, crash keytar against it and race processes over it without touching the
 * developer's keyring. Test-only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** Why a private Secret Service cannot be had here, or undefined when it can. */
export function secretServiceMissing(): string | undefined {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon', 'gdbus']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed, so no private Secret Service can be started`;
  }
  return undefined;
}

export interface SessionRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` (sh) inside a new D-Bus session with an unlocked gnome-keyring; `$NODE` is the project's Node. */
export function inSecretService(script: string, timeoutMs = 220_000): SessionRun {
  const home = mkdtempSync(join(tmpdir(), 'handle-studio-keyring-'));
  try {
    const run = spawnSync(
      'dbus-run-session',
      ['--', 'sh', '-c', `echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n${script}`],
      {
        cwd: ROOT,
        env: { ...process.env, HOME: home, NODE, XDG_RUNTIME_DIR: home, DBUS_SESSION_BUS_ADDRESS: '' },
        encoding: 'utf8',
        timeout: timeoutMs,
      },
    );
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The JSON lines a fixture printed, by their `step`. */
export function steps(stdout: string): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    found.set(String(parsed['step']), parsed);
  }
  return found;
}
