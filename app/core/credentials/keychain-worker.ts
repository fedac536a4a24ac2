/**
 * The keychain helper process: loads keytar and answers one keytar call per message, so a
 * native crash (keytar dies with SIGSEGV on a locked gnome-keyring) or a D-Bus call that
 * waits forever for an unlock prompt takes down this process, not Handle Studio.
 *
 * Started by `keychain-helper.ts`: with `child_process.fork` from the CLI, browser mode and
 * tests (messages over process.send), and with Electron's `utilityProcess.fork` from the app
 * (messages over process.parentPort). It holds no state between calls.
 */
import type { KeychainHelperAnswer, KeychainHelperReady, KeychainHelperRequest } from './keychain-helper-protocol.ts';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Electron's utility process exposes its port to the parent here; a Node child has process.send. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as { parentPort?: ParentPort }).parentPort;

function reply(answer: KeychainHelperAnswer | KeychainHelperReady): void {
  if (parentPort) parentPort.postMessage(answer);
  else process.send?.(answer);
}

async function loadKeytar(): Promise<Keytar> {
  // keytar is CommonJS: its functions arrive on `default` (and sometimes as named exports too).
  const imported = (await import('keytar')) as Keytar & { default?: Keytar };
  const keytar = imported.default ?? imported;
  if (typeof keytar.getPassword !== 'function') throw new Error('keytar loaded without its functions');
  return keytar;
}

const keytar = loadKeytar();
// Ready either way: a failed load is reported by each call.
keytar.then(
  () => reply({ ready: true }),
  () => reply({ ready: true }),
);

function call(module: Keytar, request: KeychainHelperRequest): Promise<unknown> {
  switch (request.op) {
    case 'getPassword':
      return module.getPassword(request.service, request.account);
    case 'setPassword':
      return module.setPassword(request.service, request.account, request.password).then(() => null);
    case 'deletePassword':
      return module.deletePassword(request.service, request.account);
    case 'findCredentials':
      // Only the account names are needed, so the passwords never cross back.
      return module.findCredentials(request.service).then((entries) => entries.map((entry) => ({ account: entry.account, password: '' })));
  }
}

async function answer(request: KeychainHelperRequest): Promise<void> {
  let module: Keytar;
  try {
    module = await keytar;
  } catch (error) {
    reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error), unloadable: true });
    return;
  }
  try {
    reply({ id: request.id, ok: true, value: await call(module, request) });
  } catch (error) {
    reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error), unloadable: false });
  }
}

if (parentPort) parentPort.on('message', (event) => void answer(event.data as KeychainHelperRequest));
else {
  process.on('message', (message) => void answer(message as KeychainHelperRequest));
  // The parent went away (ended, crashed): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
}
