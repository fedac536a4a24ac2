/**
 * Core as the CLI opens it, for tests that need the whole of it on a temp data folder: the
 * real stores, the network through global fetch, the wall clock, and a keychain stand-in
 * (an in-memory vault unless the test brings one, e.g. a file vault shared with a child).
 */
import { systemClock } from './clock.ts';
import { MemoryVault } from './credentials/memory-vault.ts';
import { createHandleStudio, type HandleStudio } from './handle-studio.ts';
import type { SecretVault } from './ports.ts';

export function openTestStudio(dataDir: string, vault: SecretVault = new MemoryVault()): Promise<HandleStudio> {
  return createHandleStudio({
    dataDir,
    shell: 'cli',
    version: 'test',
    fetch: globalThis.fetch,
    clock: systemClock,
    openKeychain: async () => vault,
  });
}
