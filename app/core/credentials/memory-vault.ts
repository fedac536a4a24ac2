/**
 * Secrets for this run only: used when the OS keychain is unavailable and the user chose to
 * keep going, and by tests. Nothing is written anywhere; quitting forgets everything.
 */
import type { SecretVault } from '../ports.ts';
import { createPerKeyQueue } from './per-key-queue.ts';
import { assertVaultKey } from './secret-keys.ts';

export class MemoryVault implements SecretVault {
  readonly kind = 'memory' as const;
  readonly #secrets = new Map<string, string>();
  readonly #queue = createPerKeyQueue();

  /** The stored secret, or null. */
  get(key: string): Promise<string | null> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => this.#secrets.get(key) ?? null);
  }

  /** Stores or replaces a secret. */
  set(key: string, secret: string): Promise<void> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => {
      this.#secrets.set(key, secret);
    });
  }

  /** Removes a secret; true when there was one. */
  delete(key: string): Promise<boolean> {
    assertVaultKey(key);
    return this.#queue.run(key, async () => this.#secrets.delete(key));
  }

  /** Keys under a prefix, sorted. */
  async keys(prefix: string): Promise<string[]> {
    return [...this.#secrets.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
