import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { MemoryVault } from './memory-vault.ts';
import { secretKey } from './secret-keys.ts';
import { readStoredToken, writeStoredToken } from './stored-token.ts';

describe('stored token', () => {
  it('an entry this build cannot parse is reported and kept, never deleted or read as "no token"', async () => {
    const vault = new MemoryVault();
    const profileId = randomUUID();
    const key = secretKey(profileId, 'xsts');
    // What a newer build might store: a shape this one does not know.
    const newer = JSON.stringify({ v: 2, source: 'signed-in', uhs: 'u', token: 't', binding: {} });
    await vault.set(key, newer);
    const error = await readStoredToken(vault, profileId).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HandleStudioError);
    expect((error as HandleStudioError).code).toBe('STORAGE');
    expect((error as HandleStudioError).message).toMatch(/cannot be read[\s\S]*kept, not deleted[\s\S]*paste a token or sign in again/);
    expect(await vault.get(key)).toBe(newer);

    // A new token replaces it as usual.
    await writeStoredToken(vault, profileId, { v: 1, source: 'pasted', uhs: 'uhs', token: 'fresh' });
    expect(await readStoredToken(vault, profileId)).toMatchObject({ token: 'fresh' });
  });

  it('no entry is no token', async () => {
    expect(await readStoredToken(new MemoryVault(), randomUUID())).toBeNull();
  });
});
