/**
 * Run inside a D-Bus session whose gnome-keyring was started unlocked with the password
 * `pw` (see keychain-helper.test.ts). Prints one JSON line per step on stdout. Test-only.
 *
 * `node keychain-locked.fixture.ts scenario <service>`: stores a secret through the vault,
 * locks the login collection over D-Bus, reads it (the helper crashes; this process must
 * not), runs the `direct` mode as a child to show keytar itself crashing, unlocks the
 * keyring and reads again through the same vault (a fresh helper).
 * `node keychain-locked.fixture.ts direct <service>`: keytar in this very process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { HandleStudioError } from '../../shared/errors.ts';
import { openKeychainVault } from './keychain-vault.ts';
import { secretKey } from './secret-keys.ts';

const [mode, service = 'Handle Studio locked-keyring test'] = process.argv.slice(2);
const LOGIN = '/org/freedesktop/secrets/collection/login';

function print(step: string, outcome: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ step, ...outcome })}\n`);
}

async function attempt(step: string, work: () => Promise<unknown>): Promise<void> {
  try {
    print(step, { ok: true, value: await work() });
  } catch (error) {
    print(
      step,
      error instanceof HandleStudioError
        ? { ok: false, code: error.code, message: error.message }
        : { ok: false, code: 'THROWN', message: String(error) },
    );
  }
}

if (mode === 'direct') {
  const imported = (await import('keytar')) as { default: { findCredentials(service: string): Promise<unknown[]> } };
  const found = await imported.default.findCredentials(service);
  print('direct', { ok: true, value: found.length });
} else if (mode === 'scenario') {
  const vault = await openKeychainVault({ service, timeoutMs: 10_000 });
  const key = secretKey(randomUUID(), 'xsts');
  await attempt('store', () => vault.set(key, 'stored-while-unlocked'));
  execFileSync('gdbus', [
    'call',
    '--session',
    '--dest',
    'org.freedesktop.secrets',
    '--object-path',
    '/org/freedesktop/secrets',
    '--method',
    'org.freedesktop.Secret.Service.Lock',
    `[objectpath '${LOGIN}']`,
  ]);
  await attempt('read-locked', () => vault.get(key));
  await attempt('list-locked', () => vault.keys(''));
  const direct = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'direct', service], { encoding: 'utf8' });
  print('direct-keytar', { ok: direct.status === 0, signal: direct.signal, status: direct.status });
  execFileSync('sh', ['-c', 'echo pw | gnome-keyring-daemon --replace --unlock --components=secrets'], { stdio: 'ignore' });
  await attempt('read-unlocked', () => vault.get(key));
  await attempt('delete', () => vault.delete(key));
  print('survived', { ok: true, pid: process.pid });
}
