/**
 * The CLI and browser mode against a LOCKED gnome-keyring, as a user meets it. Run inside a
 * private Secret Service (secret-service.fixture.ts) with HANDLE_STUDIO_DATA_DIR set; prints
 * one JSON line per step. Test-only.
 *
 * Stores a token while the keyring is unlocked, locks the login collection over D-Bus, then
 * runs `profile show` and `profile set-token` (each once crashed with SIGSEGV), and starts
 * browser mode and pastes a token through its API (the server once died on its first save).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'handle-studio.js');
const token = (letter: string) => `XBL3.0 x=12345;${letter.repeat(1200)}`;

function print(step: string, outcome: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ step, ...outcome })}\n`);
}

function cli(args: string[], input = ''): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

print('add', cli(['profile', 'add', 'dev', '--endpoint', 'http://127.0.0.1:9', '--sandbox', 'XDKS.1']));
print('store-unlocked', cli(['profile', 'set-token', 'dev'], token('a')));
execFileSync('gdbus', [
  'call',
  '--session',
  '--dest',
  'org.freedesktop.secrets',
  '--object-path',
  '/org/freedesktop/secrets',
  '--method',
  'org.freedesktop.Secret.Service.Lock',
  "[objectpath '/org/freedesktop/secrets/collection/login']",
]);
print('show-locked', cli(['profile', 'show', 'dev', '--json']));
print('set-token-locked', cli(['profile', 'set-token', 'dev'], token('b')));

// Browser mode: the server must answer the save with the fix and keep serving.
const hostToken = randomBytes(24).toString('hex');
const host = spawn(process.execPath, [join(root, 'app/host/main.ts'), '--port', '0'], {
  cwd: root,
  env: { ...process.env, HANDLE_STUDIO_HOST_TOKEN: hostToken },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const url = await new Promise<string>((resolve, reject) => {
  let seen = '';
  host.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    seen += chunk;
    const found = /http:\/\/127\.0\.0\.1:\d+/.exec(seen);
    if (found) resolve(found[0]);
  });
  host.once('exit', (code, signal) => reject(new Error(`browser mode ended before serving (${code ?? signal})`)));
});
async function call(name: string, input: unknown): Promise<unknown> {
  const response = await fetch(`${url}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-handle-studio-token': hostToken },
    body: JSON.stringify(input),
  });
  return response.json();
}
const listed = (await call('listProfiles', {})) as { value: { profiles: Array<{ id: string }> } };
const profileId = listed.value.profiles[0]!.id;
print('host-paste-locked', { answer: await call('pasteToken', { profileId, authorization: token('c') }) });
print('host-after', { answer: await call('getAppInfo', {}), exitCode: host.exitCode, signal: host.signalCode });
host.kill('SIGTERM');
