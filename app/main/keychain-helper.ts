/**
 * The app's keychain helper: keychain-worker.ts (bundled next to main as keychain-worker.js)
 * started with Electron's `utilityProcess`, so keytar crashing on a locked keyring ends that
 * process, never the app. Core's vault talks to it as to any helper (keychain-helper.ts).
 */
import { utilityProcess } from 'electron';
import { join } from 'node:path';
import type { KeychainHelperProcess } from '../core/credentials/keychain-helper.ts';

export function startKeychainUtilityProcess(): KeychainHelperProcess {
  const child = utilityProcess.fork(join(import.meta.dirname, 'keychain-worker.js'), [], {
    serviceName: 'Handle Studio keychain',
    // libsecret and GTK warnings are not for the user's terminal.
    stdio: 'ignore',
  });
  return {
    send: (request) => child.postMessage(request),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', (code) => listener(`exit code ${code}`)),
    kill: () => void child.kill(),
  };
}
