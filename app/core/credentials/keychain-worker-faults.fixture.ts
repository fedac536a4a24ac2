/**
 * A keychain helper that misbehaves on purpose, run with `child_process.fork` like the real
 * one (keychain-worker.ts). `process.argv[2]` picks the fault:
 * - `segfault`: dies from SIGSEGV on its first request, as keytar does on a locked gnome-keyring;
 * - `segfault-on-read`: a healthy keychain in memory (below) that dies from SIGSEGV when asked for a secret;
 * - `hang`: never answers, as a D-Bus call waiting for an unlock prompt nobody sees;
 * - `memory`: a healthy keychain kept in this process's memory;
 * - `unready`: never says it has started;
 * - `refuse`: answers every call with libsecret's "no Secret Service" error;
 * - `locked`: answers every call with gnome-keyring's "locked" error (the keychain says no; nothing crashed).
 * Test-only.
 */
import type { KeychainHelperAnswer, KeychainHelperRequest } from './keychain-helper-protocol.ts';

const mode = process.argv[2];
const entries = new Map<string, string>();

function answer(request: KeychainHelperRequest): KeychainHelperAnswer {
  const key = `${request.service}\n${'account' in request ? request.account : ''}`;
  switch (request.op) {
    case 'getPassword':
      return { id: request.id, ok: true, value: entries.get(key) ?? null };
    case 'setPassword':
      entries.set(key, request.password);
      return { id: request.id, ok: true, value: null };
    case 'deletePassword':
      return { id: request.id, ok: true, value: entries.delete(key) };
    case 'findCredentials':
      return {
        id: request.id,
        ok: true,
        value: [...entries.keys()]
          .filter((stored) => stored.startsWith(`${request.service}\n`))
          .map((stored) => ({ account: stored.split('\n')[1], password: '' })),
      };
  }
}

// Started: the client's call deadlines run from here. `unready` never gets this far, like a helper stuck loading keytar.
if (mode !== 'unready') process.send?.({ ready: true });
process.on('message', (message) => {
  const request = message as KeychainHelperRequest;
  if (mode === 'segfault' || (mode === 'segfault-on-read' && request.op === 'getPassword')) {
    process.kill(process.pid, 'SIGSEGV');
    return;
  }
  if (mode === 'memory' || mode === 'segfault-on-read') process.send?.(answer(request));
  if (mode === 'refuse') {
    process.send?.({
      id: request.id,
      ok: false,
      error: 'The name org.freedesktop.secrets was not provided by any .service files',
      unloadable: false,
    });
  }
  if (mode === 'locked') {
    process.send?.({ id: request.id, ok: false, error: 'Cannot get secret of a locked object', unloadable: false });
  }
});
process.on('disconnect', () => process.exit(0));
