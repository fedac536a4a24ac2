/**
 * Which vault secrets go to: the OS keychain when it answers; memory for this run when it
 * does not and the user chose to carry on. Never a file: without a keychain, secrets are
 * simply not kept across runs.
 */
import { HandleStudioError } from '../../shared/errors.ts';
import type { SecretVault } from '../ports.ts';
import { MemoryVault } from './memory-vault.ts';

export interface VaultChoice {
  /** The vault to use now; throws KEYCHAIN_UNAVAILABLE until the keychain answers or the user picks memory. */
  vault(): Promise<SecretVault>;
  /**
   * The user's choice when the keychain is unavailable: keep secrets in memory for this run.
   * When the keychain already works it stays in use (switching would strand its entries).
   */
  keepInMemory(): SecretVault;
}

/**
 * Tries `openKeychain` on first use and again after each failure (the user may unlock the
 * keychain and retry), until it works or `keepInMemory()` is chosen.
 */
export function createVaultChoice(openKeychain: () => Promise<SecretVault>): VaultChoice {
  let chosen: SecretVault | undefined;
  let opening: Promise<SecretVault> | undefined;
  return {
    async vault() {
      if (chosen) return chosen;
      opening ??= openKeychain().then(
        (vault) => {
          chosen ??= vault;
          return chosen;
        },
        (error: unknown) => {
          opening = undefined;
          if (error instanceof HandleStudioError) throw error;
          throw new HandleStudioError(
            'KEYCHAIN_UNAVAILABLE',
            'The OS keychain could not be opened: unlock it and try again, or keep secrets in memory for this run.',
          );
        },
      );
      return opening;
    },
    keepInMemory() {
      chosen ??= new MemoryVault();
      return chosen;
    },
  };
}
