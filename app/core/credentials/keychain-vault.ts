/**
 * The OS keychain as a SecretVault, through keytar: macOS Keychain, Windows Credential
 * Manager, or a Secret Service (gnome-keyring, KWallet) over D-Bus on Linux.
 *
 * keytar is an optional native dependency and a Secret Service can be missing, locked or
 * simply not answer (a D-Bus call to a locked collection may wait for a prompt nobody
 * sees). So loading is dynamic, every call has a deadline, and any failure becomes
 * KEYCHAIN_UNAVAILABLE with the fix for this OS; the UI then offers "keep secrets in memory".
 */
import { HandleStudioError } from '../../shared/errors.ts';
import type { SecretVault } from '../ports.ts';
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
  /** How keytar is loaded; tests inject a failing loader. Default: `import('keytar')`. */
  loadKeytar?: () => Promise<KeytarModule>;
  /** How long one keychain call may take before the keychain counts as unavailable (default 4 s). */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

const DEFAULT_TIMEOUT_MS = 4000;

/**
 * Loads keytar and checks the keychain answers (one listing of this service's entries).
 * Throws HandleStudioError KEYCHAIN_UNAVAILABLE when it cannot load or does not answer in time.
 */
export async function openKeychainVault(options: KeychainVaultOptions): Promise<SecretVault> {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const load = options.loadKeytar ?? loadKeytarModule;
  let keytar: KeytarModule;
  try {
    keytar = await withDeadline(load(), timeoutMs, 'loading keytar');
  } catch (error) {
    throw keychainUnavailable(platform, 'the keychain module (keytar) could not be loaded', error);
  }
  const vault = new KeychainVault(keytar, options.service, timeoutMs, platform);
  await vault.keys('');
  return vault;
}

async function loadKeytarModule(): Promise<KeytarModule> {
  // keytar is CommonJS: its functions arrive on `default` (and sometimes as named exports too).
  const imported = (await import('keytar')) as KeytarModule & { default?: KeytarModule };
  const keytar = imported.default ?? imported;
  if (typeof keytar.getPassword !== 'function') throw new Error('keytar loaded without its functions');
  return keytar;
}

/**
 * Windows Credential Manager refuses a secret over 2,560 bytes ("The stub received bad
 * data"), and an msal token cache or an XSTS token can be larger. Long secrets are stored as
 * pieces under `<key>#<n>` with the entry itself saying how many there are.
 */
const CHUNK_CHARS = 1000;
const CHUNK_PATTERN = new RegExp(`[\\s\\S]{1,${CHUNK_CHARS}}`, 'g');
const CHUNK_SEPARATOR = '#';
const CHUNKED_PREFIX = 'handle-studio-chunked:v1:';

function chunkKey(key: string, index: number): string {
  return `${key}${CHUNK_SEPARATOR}${index + 1}`;
}

/** How many pieces a stored entry points at, or null for a secret stored whole. */
function chunkCount(stored: string | null): number | null {
  if (stored === null || !stored.startsWith(CHUNKED_PREFIX)) return null;
  const count = Number(stored.slice(CHUNKED_PREFIX.length));
  return Number.isInteger(count) && count > 0 && count < 1000 ? count : null;
}

class KeychainVault implements SecretVault {
  readonly kind = 'keychain' as const;
  readonly #keytar: KeytarModule;
  readonly #service: string;
  readonly #timeoutMs: number;
  readonly #platform: NodeJS.Platform;
  readonly #queue = createPerKeyQueue();

  constructor(keytar: KeytarModule, service: string, timeoutMs: number, platform: NodeJS.Platform) {
    this.#keytar = keytar;
    this.#service = service;
    this.#timeoutMs = timeoutMs;
    this.#platform = platform;
  }

  get(key: string): Promise<string | null> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      const stored = await this.#guard('reading a secret', () => this.#keytar.getPassword(this.#service, key));
      const chunks = chunkCount(stored);
      if (chunks === null) return stored;
      const parts = await Promise.all(
        Array.from({ length: chunks }, (_, index) => this.#guard('reading a secret', () => this.#keytar.getPassword(this.#service, chunkKey(key, index)))),
      );
      // A missing piece means a torn write: the value is dropped rather than trusted.
      return parts.every((part) => part !== null) ? parts.join('') : null;
    });
  }

  set(key: string, secret: string): Promise<void> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      const previous = chunkCount(await this.#guard('reading a secret', () => this.#keytar.getPassword(this.#service, key))) ?? 0;
      const pieces = secret.length <= CHUNK_CHARS ? [] : (secret.match(CHUNK_PATTERN) ?? []);
      // Pieces first, then the entry that points at them, so a crash never leaves a pointer to missing pieces.
      for (const [index, piece] of pieces.entries()) {
        await this.#guard('storing a secret', () => this.#keytar.setPassword(this.#service, chunkKey(key, index), piece));
      }
      const head = pieces.length === 0 ? secret : `${CHUNKED_PREFIX}${pieces.length}`;
      await this.#guard('storing a secret', () => this.#keytar.setPassword(this.#service, key, head));
      for (let index = pieces.length; index < previous; index += 1) {
        await this.#guard('deleting a secret', () => this.#keytar.deletePassword(this.#service, chunkKey(key, index)));
      }
    });
  }

  delete(key: string): Promise<boolean> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      const chunks = chunkCount(await this.#guard('reading a secret', () => this.#keytar.getPassword(this.#service, key))) ?? 0;
      const deleted = await this.#guard('deleting a secret', () => this.#keytar.deletePassword(this.#service, key));
      for (let index = 0; index < chunks; index += 1) {
        await this.#guard('deleting a secret', () => this.#keytar.deletePassword(this.#service, chunkKey(key, index)));
      }
      return deleted;
    });
  }

  async keys(prefix: string): Promise<string[]> {
    const entries = await this.#guard('listing secrets', () => this.#keytar.findCredentials(this.#service));
    return entries
      .map((entry) => entry.account)
      .filter((account) => account.startsWith(prefix) && !account.includes(CHUNK_SEPARATOR))
      .sort();
  }

  async #guard<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(operation(), this.#timeoutMs, doing);
    } catch (error) {
      throw keychainUnavailable(this.#platform, `the keychain failed while ${doing}`, error);
    }
  }
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms while ${doing}`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The fix for this OS, in words a developer can follow. */
function keychainFix(platform: NodeJS.Platform): string {
  if (platform === 'darwin') {
    return 'Open Keychain Access, unlock the "login" keychain and allow Handle Studio when macOS asks';
  }
  if (platform === 'win32') {
    return 'Make sure the Credential Manager service (VaultSvc) is running and you are signed in to Windows with your own account';
  }
  return 'Install and unlock gnome-keyring or another Secret Service (libsecret), e.g. `sudo apt install gnome-keyring libsecret-1-0`, then sign out and back in';
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
