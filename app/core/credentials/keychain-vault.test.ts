import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import type { SecretVault } from '../ports.ts';
import { openKeychainVault, type KeytarModule } from './keychain-vault.ts';
import { secretKey } from './secret-keys.ts';

async function unavailable(promise: Promise<unknown>): Promise<HandleStudioError> {
  const error = await promise.then(
    () => {
      throw new Error('expected KEYCHAIN_UNAVAILABLE');
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HandleStudioError);
  expect((error as HandleStudioError).code).toBe('KEYCHAIN_UNAVAILABLE');
  return error as HandleStudioError;
}

/**
 * The real OS keychain. Each run files its entries under a service name of its own, so a
 * developer's real Handle Studio entries are never touched. On Linux run inside a D-Bus
 * session with an unlocked gnome-keyring (npm test does that); without a Secret Service the
 * test skips and says why.
 */
describe('keychain vault against the real OS keychain', () => {
  const service = `Handle Studio test ${randomUUID()}`;
  let opened: SecretVault | undefined;

  afterEach(async () => {
    if (!opened) return;
    for (const key of await opened.keys('')) await opened.delete(key);
    opened = undefined;
  });

  async function openOrSkip(skip: (note: string) => never): Promise<SecretVault> {
    try {
      opened = await openKeychainVault({ service, timeoutMs: 3000 });
      return opened;
    } catch (error) {
      const reason = error instanceof HandleStudioError ? `${error.message} (${String(error.details?.['reason'])})` : String(error);
      return skip(`No Secret Service / keychain reachable here, so the real-keychain test cannot run: ${reason}`);
    }
  }

  it('keeps secrets larger than Windows Credential Manager allows, and tidies their pieces', async (context) => {
    const vault = await openOrSkip((note) => context.skip(note) as never);
    const key = secretKey(randomUUID(), 'msal-cache');
    const large = JSON.stringify({ RefreshToken: 'r'.repeat(6000), AccessToken: 'a'.repeat(3500) });
    await vault.set(key, large);
    expect(await vault.get(key)).toBe(large);
    expect(await vault.keys('')).toEqual([key]);

    await vault.set(key, '{"small":true}');
    expect(await vault.get(key)).toBe('{"small":true}');
    await vault.set(key, large);
    expect(await vault.delete(key)).toBe(true);
    expect(await vault.get(key)).toBeNull();
  });

  it('stores, reads, lists and deletes secrets', async (context) => {
    const vault = await openOrSkip((note) => context.skip(note) as never);
    const profileA = randomUUID();
    const profileB = randomUUID();
    expect(vault.kind).toBe('keychain');

    await vault.set(secretKey(profileA, 'xsts'), '{"token":"secret-a"}');
    await vault.set(secretKey(profileA, 'msal-cache'), '{"RefreshToken":{}}');
    await vault.set(secretKey(profileB, 'xsts'), '{"token":"secret-b"}');
    await vault.set(secretKey(profileA, 'xsts'), '{"token":"secret-a2"}');

    expect(await vault.get(secretKey(profileA, 'xsts'))).toBe('{"token":"secret-a2"}');
    expect(await vault.keys(`${profileA}/`)).toEqual([secretKey(profileA, 'msal-cache'), secretKey(profileA, 'xsts')]);
    expect(await vault.keys('')).toHaveLength(3);

    expect(await vault.delete(secretKey(profileA, 'xsts'))).toBe(true);
    expect(await vault.delete(secretKey(profileA, 'xsts'))).toBe(false);
    expect(await vault.get(secretKey(profileA, 'xsts'))).toBeNull();
    expect(await vault.keys(`${profileA}/`)).toEqual([secretKey(profileA, 'msal-cache')]);

    // A second opening (the next run of the app) sees what the first stored.
    const again = await openKeychainVault({ service, timeoutMs: 3000 });
    expect(await again.get(secretKey(profileB, 'xsts'))).toBe('{"token":"secret-b"}');
  });

  it('keeps the order of operations on one key', async (context) => {
    const vault = await openOrSkip((note) => context.skip(note) as never);
    const key = secretKey(randomUUID(), 'xsts');
    await Promise.all([vault.set(key, 'first'), vault.delete(key), vault.set(key, 'last')]);
    expect(await vault.get(key)).toBe('last');
  });
});

describe('keychain vault when the keychain is not there', () => {
  it('reports KEYCHAIN_UNAVAILABLE with the Linux fix when keytar cannot be loaded', async () => {
    const error = await unavailable(
      openKeychainVault({
        service: 'Handle Studio',
        platform: 'linux',
        loadKeytar: async () => {
          throw new Error('libsecret-1.so.0: cannot open shared object file');
        },
      }),
    );
    expect(error.message).toMatch(/could not be loaded/);
    expect(error.message).toMatch(/install and unlock gnome-keyring or another Secret Service \(libsecret\)/i);
    expect(error.message).toMatch(/keep secrets in memory/);
    expect(error.details).toMatchObject({ reason: 'libsecret-1.so.0: cannot open shared object file' });
  });

  it.each([
    ['darwin', /Keychain Access/],
    ['win32', /Credential Manager/],
  ] as const)('gives the %s fix', async (platform, fix) => {
    const error = await unavailable(
      openKeychainVault({
        service: 'Handle Studio',
        platform,
        loadKeytar: async () => {
          throw new Error('no native module');
        },
      }),
    );
    expect(error.message).toMatch(fix);
  });

  // A keychain that never answers, or crashes, is tested with real helper processes in keychain-helper.test.ts.

  it('turns a keychain failure during use into KEYCHAIN_UNAVAILABLE, without the secret', async () => {
    const entries = new Map<string, string>();
    const locked: KeytarModule = {
      getPassword: async (_, account) => entries.get(account) ?? null,
      setPassword: async () => {
        throw new Error('Cannot create an item in a locked collection');
      },
      deletePassword: async (_, account) => entries.delete(account),
      findCredentials: async () => [...entries].map(([account, password]) => ({ account, password })),
    };
    const vault = await openKeychainVault({ service: 'Handle Studio', platform: 'linux', loadKeytar: async () => locked });
    const error = await unavailable(vault.set(secretKey(randomUUID(), 'xsts'), 'very-secret-token-value'));
    expect(error.message).toMatch(/storing a secret/);
    expect(JSON.stringify(error.toAppError())).not.toContain('very-secret-token-value');
  });

  it('runs operations on one key in the order they were asked, even when the keychain answers out of order', async () => {
    const entries = new Map<string, string>();
    const releases: Array<() => void> = [];
    const slowFirstWrite: KeytarModule = {
      getPassword: async (_, account) => entries.get(account) ?? null,
      setPassword: (_, account, password) =>
        new Promise<void>((resolve) => {
          const write = () => {
            entries.set(account, password);
            resolve();
          };
          // The first write waits until the test releases it; later ones are immediate.
          if (password === 'stale') releases.push(write);
          else write();
        }),
      deletePassword: async (_, account) => entries.delete(account),
      findCredentials: async () => [...entries].map(([account, password]) => ({ account, password })),
    };
    const vault = await openKeychainVault({ service: 'Handle Studio', loadKeytar: async () => slowFirstWrite });
    const key = secretKey(randomUUID(), 'xsts');
    const first = vault.set(key, 'stale');
    const second = vault.set(key, 'fresh');
    await new Promise((resolve) => setImmediate(resolve));
    expect(releases).toHaveLength(1);
    releases[0]!();
    await Promise.all([first, second]);
    expect(await vault.get(key)).toBe('fresh');
  });

  it('refuses keys that are not <profileId>/<kind>', async () => {
    const vault = await openKeychainVault({
      service: 'Handle Studio',
      loadKeytar: async () => ({
        getPassword: async () => null,
        setPassword: async () => undefined,
        deletePassword: async () => false,
        findCredentials: async () => [],
      }),
    });
    expect(() => vault.get('token')).toThrow(/<profileId>\/<kind>/);
    expect(() => vault.set(`${randomUUID()}/password`, 'x')).toThrow(/xsts, msal-cache/);
  });
});

/** keytar with Windows Credential Manager's limit: a blob over 2,560 bytes is refused. */
function windowsLikeKeytar(): KeytarModule & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (_service, account) => entries.get(account) ?? null,
    setPassword: async (_service, account, password) => {
      if (Buffer.byteLength(password, 'utf16le') > 2560) throw new Error('The stub received bad data.');
      entries.set(account, password);
    },
    deletePassword: async (_service, account) => entries.delete(account),
    findCredentials: async () => [...entries].map(([account, password]) => ({ account, password })),
  };
}

describe('keychain vault and the Windows size limit', () => {
  it('splits a large secret into pieces the keychain accepts and puts it back together', async () => {
    const keytar = windowsLikeKeytar();
    const vault = await openKeychainVault({ service: 'test', loadKeytar: async () => keytar, platform: 'win32' });
    const key = secretKey(randomUUID(), 'xsts');
    const large = 'x'.repeat(9000);
    await vault.set(key, large);
    expect(await vault.get(key)).toBe(large);
    expect(keytar.entries.size).toBeGreaterThan(1);
    expect(await vault.keys('')).toEqual([key]);
  });

  it('reports a value whose pieces are missing, and keeps it, instead of trusting half of it or saying "none"', async () => {
    const keytar = windowsLikeKeytar();
    const vault = await openKeychainVault({ service: 'test', loadKeytar: async () => keytar, platform: 'win32' });
    const key = secretKey(randomUUID(), 'xsts');
    await vault.set(key, 'y'.repeat(5000));
    const second = [...keytar.entries.keys()].find((account) => account.startsWith(`${key}#`) && account.endsWith('-2'))!;
    keytar.entries.delete(second);
    const error = await vault.get(key).then(
      () => undefined,
      (thrown: unknown) => thrown as HandleStudioError,
    );
    expect(error?.code).toBe('STORAGE');
    expect(error?.message).toMatch(/incomplete[\s\S]*kept[\s\S]*store the secret again/);
    expect(await vault.keys('')).toEqual([key]);
  });

  it('a reader that sees the entry just before another process rewrites it reads the new pieces, not half of each', async () => {
    const keytar = windowsLikeKeytar();
    const key = secretKey(randomUUID(), 'xsts');
    const writer = await openKeychainVault({ service: 'test', loadKeytar: async () => keytar, platform: 'win32' });
    await writer.set(key, 'a'.repeat(2500));
    let rewritten = false;
    // The reading "process": its first look at the entry is answered, then the writer replaces it whole before the pieces are read.
    const readerKeytar: KeytarModule = {
      ...keytar,
      getPassword: async (service, account) => {
        const value = await keytar.getPassword(service, account);
        if (account === key && !rewritten) {
          rewritten = true;
          await writer.set(key, 'b'.repeat(1500));
        }
        return value;
      },
    };
    const reader = await openKeychainVault({ service: 'test', loadKeytar: async () => readerKeytar, platform: 'win32' });
    expect(await reader.get(key)).toBe('b'.repeat(1500));
    expect(rewritten).toBe(true);
    // The first value's pieces were tidied away by the writer.
    expect([...keytar.entries.keys()].filter((account) => account.startsWith(`${key}#`))).toHaveLength(2);
  });

  it('still reads a secret stored in pieces by the previous version (v1 layout)', async () => {
    const keytar = windowsLikeKeytar();
    const key = secretKey(randomUUID(), 'msal-cache');
    keytar.entries.set(key, 'handle-studio-chunked:v1:2');
    keytar.entries.set(`${key}#1`, 'x'.repeat(1000));
    keytar.entries.set(`${key}#2`, 'y'.repeat(10));
    const vault = await openKeychainVault({ service: 'test', loadKeytar: async () => keytar, platform: 'win32' });
    expect(await vault.get(key)).toBe(`${'x'.repeat(1000)}${'y'.repeat(10)}`);
    await vault.set(key, 'small');
    expect([...keytar.entries.keys()]).toEqual([key]);
  });
});
