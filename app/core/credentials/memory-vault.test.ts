import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { MemoryVault } from './memory-vault.ts';
import { secretKey } from './secret-keys.ts';
import { createVaultChoice } from './vault-choice.ts';

describe('MemoryVault', () => {
  it('stores, lists by profile and deletes', async () => {
    const vault = new MemoryVault();
    const profile = randomUUID();
    const other = randomUUID();
    await vault.set(secretKey(profile, 'xsts'), 'a');
    await vault.set(secretKey(profile, 'msal-cache'), 'b');
    await vault.set(secretKey(other, 'xsts'), 'c');
    expect(vault.kind).toBe('memory');
    expect(await vault.keys(`${profile}/`)).toEqual([`${profile}/msal-cache`, `${profile}/xsts`]);
    expect(await vault.delete(secretKey(profile, 'xsts'))).toBe(true);
    expect(await vault.get(secretKey(profile, 'xsts'))).toBeNull();
    expect(await vault.get(secretKey(other, 'xsts'))).toBe('c');
  });

  it('is empty in a new run', async () => {
    const profile = randomUUID();
    await new MemoryVault().set(secretKey(profile, 'xsts'), 'a');
    expect(await new MemoryVault().keys('')).toEqual([]);
  });
});

describe('vault choice', () => {
  it('keeps asking for the keychain until it answers, and never falls back on its own', async () => {
    let attempts = 0;
    const keychain = new MemoryVault();
    const choice = createVaultChoice(async () => {
      attempts += 1;
      if (attempts === 1) throw new HandleStudioError('KEYCHAIN_UNAVAILABLE', 'locked');
      return keychain;
    });
    await expect(choice.vault()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await choice.vault()).toBe(keychain);
    expect(await choice.vault()).toBe(keychain);
    expect(attempts).toBe(2);
  });

  it('uses memory once the user chooses it, and keeps a working keychain', async () => {
    const unavailable = createVaultChoice(async () => {
      throw new HandleStudioError('KEYCHAIN_UNAVAILABLE', 'no Secret Service');
    });
    expect(unavailable.keepInMemory().kind).toBe('memory');
    expect((await unavailable.vault()).kind).toBe('memory');

    const keychain = new MemoryVault();
    const working = createVaultChoice(async () => keychain);
    await working.vault();
    expect(working.keepInMemory()).toBe(keychain);
  });
});
