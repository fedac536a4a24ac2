/**
 * The OS keychain as a SecretVault, through keytar: macOS Keychain, Windows Credential
 * Manager, or a Secret Service (gnome-keyring, KWallet) over D-Bus on Linux.
 *
 * keytar is a native module, and a Secret Service can be missing, locked or simply not
 * answer: on a locked gnome-keyring keytar crashes its process with SIGSEGV, and a D-Bus call
 * may wait for an unlock prompt nobody sees. So keytar runs in a helper process
 * (keychain-helper.ts) with a deadline per call; a read, listing or write whose helper died
 * is tried once more in a fresh one. Any failure left (the helper crashing twice, hanging,
 * keytar refusing or missing) becomes KEYCHAIN_UNAVAILABLE with the fix for this OS; the UI
 * then offers "keep secrets in memory".
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { HandleStudioError } from '../../shared/errors.ts';
import type { SecretVault } from '../ports.ts';
import { KeychainHelperError, keytarInHelper, type StartKeychainHelper } from './keychain-helper.ts';
import { createPerKeyQueue } from './per-key-queue.ts';
import { assertVaultKey } from './secret-keys.ts';

/** The part of keytar this vault uses. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeychainVaultOptions {
  /** The keychain service name entries are filed under, e.g. 'Handle Studio'. */
  service: string;
  /**
   * Starts the keychain helper process. Default: a Node child process; Electron main passes
   * one started with `utilityProcess.fork`.
   */
  startHelper?: StartKeychainHelper;
  /** keytar to use instead of a fresh helper: tests pass stand-ins, keychainOpener its shared helper. */
  loadKeytar?: () => Promise<KeytarModule>;
  /** How long one keychain call may take before the keychain counts as unavailable (default 4 s). */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

const DEFAULT_TIMEOUT_MS = 4000;

/**
 * Starts the helper and checks the keychain answers (one listing of this service's entries).
 * Throws HandleStudioError KEYCHAIN_UNAVAILABLE when it cannot load or does not answer in time.
 */
export async function openKeychainVault(options: KeychainVaultOptions): Promise<SecretVault> {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let keytar: KeytarModule;
  if (options.loadKeytar) {
    try {
      keytar = await options.loadKeytar();
    } catch (error) {
      throw keychainUnavailable(platform, 'the keychain module (keytar) could not be loaded', error);
    }
  } else {
    keytar = keytarInHelper({ timeoutMs, ...(options.startHelper ? { start: options.startHelper } : {}) });
  }
  const vault = new KeychainVault(keytar, options.service, platform);
  await vault.keys('');
  return vault;
}

/**
 * Opens the vault on each call (the user may unlock the keychain and try again), every
 * attempt through one helper process, which is restarted only after it crashed or hung:
 * a keychain that merely says no does not cost a process start per attempt.
 */
export function keychainOpener(options: KeychainVaultOptions): () => Promise<SecretVault> {
  if (options.loadKeytar) return () => openKeychainVault(options);
  const keytar = keytarInHelper({
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.startHelper ? { start: options.startHelper } : {}),
  });
  return () => openKeychainVault({ ...options, loadKeytar: async () => keytar });
}

/**
 * Windows Credential Manager refuses a secret over 2,560 bytes ("The stub received bad
 * data"), and an msal token cache or an XSTS token can be larger. Long secrets are stored as
 * pieces, and the entry itself names them: `handle-studio-chunked:v2:<count>:<generation>`,
 * pieces under `<key>#<generation>-<n>`. Each write uses a fresh generation, so another
 * process reading while this one writes sees either the old pieces or the new ones, never a
 * mix; it notices pieces that vanished under it and reads the entry again.
 * (v1, `handle-studio-chunked:v1:<count>` with pieces under `<key>#<n>`, is still read.)
 */
const CHUNK_CHARS = 1000;
const CHUNK_PATTERN = new RegExp(`[\\s\\S]{1,${CHUNK_CHARS}}`, 'g');
const CHUNK_SEPARATOR = '#';
const CHUNKED_V1 = 'handle-studio-chunked:v1:';
const CHUNKED_V2 = 'handle-studio-chunked:v2:';
/** How often a read starts over when a writer in another process replaced the pieces under it. */
const TORN_READ_ATTEMPTS = 5;
/**
 * Before each new look, a little longer each time: a writer in another process replaces an
 * entry in several keychain calls, and looking again at once can land in the same write.
 */
const lookAgainSoon = (attempt: number) => pause(25 * 2 ** (attempt - 1));

/** The piece keys an entry points at; empty for a secret stored whole. */
function pieceKeys(key: string, stored: string | null): string[] {
  if (stored === null) return [];
  let count: number;
  let name: (index: number) => string;
  if (stored.startsWith(CHUNKED_V2)) {
    const [countText, generation] = stored.slice(CHUNKED_V2.length).split(':');
    count = Number(countText);
    if (!generation || !/^[0-9a-f]+$/.test(generation)) return [];
    name = (index) => `${key}${CHUNK_SEPARATOR}${generation}-${index + 1}`;
  } else if (stored.startsWith(CHUNKED_V1)) {
    count = Number(stored.slice(CHUNKED_V1.length));
    name = (index) => `${key}${CHUNK_SEPARATOR}${index + 1}`;
  } else {
    return [];
  }
  return Number.isInteger(count) && count > 0 && count < 1000 ? Array.from({ length: count }, (_, index) => name(index)) : [];
}

class KeychainVault implements SecretVault {
  readonly kind = 'keychain' as const;
  readonly #keytar: KeytarModule;
  readonly #service: string;
  readonly #platform: NodeJS.Platform;
  readonly #queue = createPerKeyQueue();

  constructor(keytar: KeytarModule, service: string, platform: NodeJS.Platform) {
    this.#keytar = keytar;
    this.#service = service;
    this.#platform = platform;
  }

  get(key: string): Promise<string | null> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      let problem: 'withheld' | 'incomplete' = 'incomplete';
      for (let attempt = 1; attempt <= TORN_READ_ATTEMPTS; attempt += 1) {
        if (attempt > 1) await lookAgainSoon(attempt - 1);
        const stored = await this.#read(key);
        if (stored === null) {
          if (!(await this.#listedButWithheld(key))) return null;
          // Listed yet not handed over: replaced under us by another process, or locked. Look again.
          problem = 'withheld';
          continue;
        }
        const pieces = pieceKeys(key, stored);
        if (pieces.length === 0) return stored;
        const parts = await Promise.all(pieces.map((piece) => this.#read(piece)));
        if (parts.every((part) => part !== null)) return parts.join('');
        // Pieces gone: another process replaced the secret meanwhile (look again), or they are really missing.
        problem = 'incomplete';
      }
      if (problem === 'withheld') {
        throw keychainUnavailable(
          this.#platform,
          'the keychain holds this secret but would not hand it over; the login keyring is probably locked',
          new Error('lookup answered nothing for an entry the listing shows'),
        );
      }
      // Neither "no secret" (that would read as signed out) nor half a secret: say so, and keep the entry.
      throw new HandleStudioError(
        'STORAGE',
        `The keychain entry "${key}" of service "${this.#service}" is incomplete (some of its pieces are missing). It was kept as it is; store the secret again (paste the token or sign in) to replace it.`,
        { key },
      );
    });
  }

  set(key: string, secret: string): Promise<void> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      const previousPieces = pieceKeys(key, await this.#read(key));
      let head = secret;
      if (secret.length > CHUNK_CHARS) {
        const pieces = secret.match(CHUNK_PATTERN) ?? [];
        const generation = randomBytes(6).toString('hex');
        // Pieces first, then the entry that points at them, so a crash never leaves a pointer to missing pieces.
        for (const [index, piece] of pieces.entries()) {
          await this.#guard('storing a secret', () =>
            this.#keytar.setPassword(this.#service, `${key}${CHUNK_SEPARATOR}${generation}-${index + 1}`, piece),
          );
        }
        head = `${CHUNKED_V2}${pieces.length}:${generation}`;
      }
      await this.#guard('storing a secret', () => this.#keytar.setPassword(this.#service, key, head));
      for (const piece of previousPieces) {
        await this.#guard('deleting a secret', () => this.#keytar.deletePassword(this.#service, piece));
      }
    });
  }

  delete(key: string): Promise<boolean> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      const pieces = pieceKeys(key, await this.#read(key));
      const deleted = await this.#guard('deleting a secret', () => this.#keytar.deletePassword(this.#service, key));
      for (const piece of pieces) {
        await this.#guard('deleting a secret', () => this.#keytar.deletePassword(this.#service, piece));
      }
      return deleted;
    });
  }

  async keys(prefix: string): Promise<string[]> {
    const entries = await this.#guard('listing secrets', () => this.#list());
    return entries
      .map((entry) => entry.account)
      .filter((account) => account.startsWith(prefix) && !account.includes(CHUNK_SEPARATOR))
      .sort();
  }

  /**
   * libsecret answers a lookup in a locked collection with "nothing there", which would read
   * as "signed out". The listing does not lie: it fails on a locked collection holding this
   * service's entries (the helper crashes), and names the entry when it exists but was not
   * handed over.
   */
  async #listedButWithheld(key: string): Promise<boolean> {
    if (this.#platform !== 'linux') return false;
    return (await this.keys(key)).includes(key);
  }

  /**
   * keytar's listing reads every entry's secret too, so an entry another process deletes
   * between the two steps fails the whole listing: libsecret answers "No such secret item"
   * (list again, a little later), or crashes on the missing value exactly as on a locked
   * keyring (the helper client already listed once more in a fresh helper; a second crash
   * is reported, since a locked keyring crashes every time).
   */
  async #list(): Promise<Array<{ account: string }>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#keytar.findCredentials(this.#service);
      } catch (error) {
        const vanished = error instanceof KeychainHelperError && error.failure === 'refused' && /no such secret item/i.test(error.message);
        if (!vanished || attempt === TORN_READ_ATTEMPTS) throw error;
        await lookAgainSoon(attempt);
      }
    }
  }

  #read(account: string): Promise<string | null> {
    return this.#guard('reading a secret', () => this.#keytar.getPassword(this.#service, account));
  }

  async #guard<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw keychainUnavailable(this.#platform, whatHappened(error, doing), error);
    }
  }
}

/** The failure in words: the helper's kind of failure says more than keytar's message. */
function whatHappened(error: unknown, doing: string): string {
  if (!(error instanceof KeychainHelperError)) return `the keychain failed while ${doing}`;
  switch (error.failure) {
    case 'crashed':
      return `the keychain crashed while ${doing}; on Linux that is what a locked login keyring does`;
    case 'timed-out':
      return `the keychain did not answer in time while ${doing}; it may be waiting for an unlock prompt`;
    case 'unloadable':
      return 'the keychain module (keytar) could not be loaded';
    case 'refused':
      return `the keychain refused ${doing}`;
  }
}

/** The fix for this OS, in words a developer can follow. */
function keychainFix(platform: NodeJS.Platform): string {
  if (platform === 'darwin') {
    return 'Open Keychain Access, unlock the "login" keychain and allow Handle Studio when macOS asks';
  }
  if (platform === 'win32') {
    return 'Make sure the Credential Manager service (VaultSvc) is running and you are signed in to Windows with your own account';
  }
  return (
    'Unlock your login keyring (Seahorse, or `gnome-keyring-daemon --unlock`) and try again. ' +
    'If there is none, install and unlock gnome-keyring or another Secret Service (libsecret), e.g. `sudo apt install gnome-keyring libsecret-1-0`, then sign out and back in'
  );
}

function keychainUnavailable(platform: NodeJS.Platform, what: string, cause: unknown): HandleStudioError {
  // keytar and libsecret never put the secret in their errors, but keep the cause short anyway.
  const reason = (cause instanceof Error ? cause.message : String(cause)).slice(0, 200);
  return new HandleStudioError(
    'KEYCHAIN_UNAVAILABLE',
    `The OS keychain is unavailable (${what}). ${keychainFix(platform)}. Or choose "keep secrets in memory" to sign in for this run only.`,
    { reason, platform },
  );
}
