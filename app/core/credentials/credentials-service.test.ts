import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { profileSchema, type Profile, type TokenState } from '../../shared/contract/profiles.ts';
import { activityQuery } from '../../shared/mpsd/builders.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { CredentialsService, type SignInProgress } from './credentials-service.ts';
import { MemoryVault } from './memory-vault.ts';
import { secretKey } from './secret-keys.ts';
import { createMpsdClient } from '../mpsd/client.ts';
import {
  approveDeviceCodes,
  completeBrowserSignIn,
  queryActivities,
  startStandIns,
  TEST_SCID,
  type StandIns,
} from './stand-ins.fixture.ts';
import { readStoredToken } from './stored-token.ts';
import { createVaultChoice } from './vault-choice.ts';

const HOUR = 3600_000;

let world: StandIns;
let vault: MemoryVault;
let profiles: Map<string, Profile>;
let credentials: CredentialsService;
let seen: SignInProgress[];

function addProfile(overrides: Parameters<StandIns['draft']>[0] = {}): Profile {
  const profile = profileSchema.parse({ ...world.draft(overrides), id: crypto.randomUUID() });
  profiles.set(profile.id, profile);
  return profile;
}

async function rejection(promise: Promise<unknown>): Promise<HandleStudioError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HandleStudioError);
  return error as HandleStudioError;
}

beforeEach(async () => {
  world = await startStandIns({ tokenLifetimeSeconds: 2 * 3600 });
  vault = new MemoryVault();
  profiles = new Map();
  seen = [];
  // A fixed MemoryVault so the test can look inside it.
  credentials = new CredentialsService({
    vaults: { vault: async () => vault, keepInMemory: () => vault },
    profiles: { get: (id) => profiles.get(id) },
    fetch: (input, init) => fetch(input, init),
    openBrowser: completeBrowserSignIn,
    clock: world.clock,
  });
});

afterEach(async () => {
  await world.close();
});

describe('device-code sign-in through the whole chain', () => {
  it('gets an XSTS token for the sandbox that the local MPSD accepts', async () => {
    const profile = addProfile();
    const user = world.tokens.accounts[0]!;

    const state = await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));

    expect(state).toMatchObject({ state: 'signed-in', source: 'signed-in', gamertag: user.gamertag, xuid: user.xuid, vault: 'memory' });
    expect(state.privileges).toContain(254);
    expect(Date.parse(state.expiresAt!)).toBe(world.clock.now() + 2 * HOUR);
    expect(seen.map((progress) => progress.stage)).toEqual(['device-code', 'getting-xbox-token', 'signed-in']);
    expect(seen[0]!.verificationUri).toBe(`${world.tokens.url}/link`);
    expect(seen[0]!.message).toContain(seen[0]!.userCode);

    const authorization = await credentials.authorizationFor(profile.id).current();
    expect(authorization).toMatch(/^XBL3\.0 x=[0-9]+;\S+$/);
    expect(await queryActivities(world.mpsd.url, authorization, user.xuid)).toBe(200);
    // The Microsoft account cache (with its refresh token) lives in the vault, nowhere else.
    expect(await vault.keys(`${profile.id}/`)).toEqual([secretKey(profile.id, 'msal-cache'), secretKey(profile.id, 'xsts')]);
  });

  it('signs in as the account that approved the code', async () => {
    const profile = addProfile();
    const second = world.tokens.accounts[1]!;
    const state = await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen, second.username));
    expect(state.gamertag).toBe(second.gamertag);
  });

  it('stops when the user cancels while the code is shown', async () => {
    const profile = addProfile();
    const signingIn = credentials.signIn(profile.id, 'device-code', (progress) => {
      seen.push(progress);
      if (progress.stage === 'device-code') expect(credentials.cancelSignIn(profile.id)).toBe(true);
    });
    const error = await rejection(signingIn);
    expect(error.code).toBe('CANCELLED');
    expect(seen.at(-1)?.stage).toBe('cancelled');
    expect((await credentials.tokenState(profile.id)).state).toBe('none');
    expect(credentials.cancelSignIn(profile.id)).toBe(false);
  });

  it('refuses a second sign-in for the same profile while one is waiting', async () => {
    const profile = addProfile();
    const first = credentials.signIn(profile.id, 'device-code', (progress) => {
      if (progress.stage === 'device-code') {
        void rejection(credentials.signIn(profile.id, 'device-code', () => undefined)).then((error) => {
          seen.push({ profileId: profile.id, stage: 'failed', message: error.code });
          credentials.cancelSignIn(profile.id);
        });
      }
    });
    expect((await rejection(first)).code).toBe('CANCELLED');
    expect(seen).toEqual([{ profileId: profile.id, stage: 'failed', message: 'CONFLICT' }]);
  });

  it('explains a profile without an application id instead of starting', async () => {
    const profile = addProfile({ auth: {} });
    const error = await rejection(credentials.signIn(profile.id, 'device-code', () => undefined));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/application \(client\) id/);
  });
});

describe('browser sign-in', () => {
  it('completes through the loopback redirect with PKCE', async () => {
    const profile = addProfile();
    const state = await credentials.signIn(profile.id, 'browser', (progress) => seen.push(progress));
    expect(state).toMatchObject({ state: 'signed-in', gamertag: world.tokens.accounts[0]!.gamertag });
    expect(seen.map((progress) => progress.stage)).toEqual(['browser-opened', 'getting-xbox-token', 'signed-in']);
    expect(world.tokens.calls['POST /{tenant}/oauth2/v2.0/token']).toBe(1);
  });

  it('stops waiting when cancelled, and leaves no redirect listener open', async () => {
    const opened: string[] = [];
    const service = new CredentialsService({
      vaults: { vault: async () => vault, keepInMemory: () => vault },
      profiles: { get: (id) => profiles.get(id) },
      fetch: (input, init) => fetch(input, init),
      // A browser the user never finishes signing in with.
      openBrowser: async (url) => void opened.push(url),
      clock: world.clock,
    });
    const profile = addProfile();
    const signingIn = service.signIn(profile.id, 'browser', (progress) => {
      seen.push(progress);
      if (progress.stage === 'browser-opened') service.cancelSignIn(profile.id);
    });
    expect((await rejection(signingIn)).code).toBe('CANCELLED');
    expect(seen.map((progress) => progress.stage)).toEqual(['browser-opened', 'cancelled']);
    const redirectUri = new URL(opened[0]!).searchParams.get('redirect_uri')!;
    expect(redirectUri).toMatch(/^http:\/\/localhost:\d+/);
    await expect(fetch(redirectUri.replace('localhost', '127.0.0.1'))).rejects.toThrow();
    expect(world.tokens.calls['POST /{tenant}/oauth2/v2.0/token']).toBeUndefined();
  });
});

describe('refresh', () => {
  it('gets a new XSTS token when under ten minutes are left, without asking the user', async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    const before = await credentials.authorizationFor(profile.id).current();
    const xstsCalls = world.tokens.calls['POST /xsts/authorize'];

    world.clock.advance(2 * HOUR - 5 * 60_000);
    expect((await credentials.tokenState(profile.id)).state).toBe('expiring');
    const after = await credentials.authorizationFor(profile.id).current();

    expect(after).not.toBe(before);
    expect(world.tokens.calls['POST /xsts/authorize']).toBe(xstsCalls! + 1);
    const state = await credentials.tokenState(profile.id);
    expect(state.state).toBe('signed-in');
    expect(Date.parse(state.expiresAt!)).toBe(world.clock.now() + 2 * HOUR);
    expect(await queryActivities(world.mpsd.url, after, state.xuid!)).toBe(200);
  });

  it('uses the refresh token when the Microsoft access token has expired too', async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    const tokenCalls = world.tokens.calls['POST /{tenant}/oauth2/v2.0/token']!;

    world.clock.advance(3 * HOUR);
    expect((await credentials.tokenState(profile.id)).state).toBe('expired');
    const authorization = await credentials.authorizationFor(profile.id).current();

    expect(world.tokens.calls['POST /{tenant}/oauth2/v2.0/token']).toBe(tokenCalls + 1);
    expect(await queryActivities(world.mpsd.url, authorization, world.tokens.accounts[0]!.xuid)).toBe(200);
  });

  it('says "sign in again" when the refresh token was revoked and the token has expired', async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    world.tokens.revokeAll();
    world.clock.advance(3 * HOUR);
    const error = await rejection(credentials.authorizationFor(profile.id).current());
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message).toMatch(/sign in again/);
  });

  it('keeps using a still-valid token when an early refresh fails', async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    const before = await credentials.authorizationFor(profile.id).current();
    world.tokens.refuseXsts({ xerr: 2148916227 });
    world.clock.advance(2 * HOUR - 5 * 60_000);
    expect(await credentials.authorizationFor(profile.id).current()).toBe(before);
  });

  it("gets a token for the new sandbox when the profile's sandbox changed", async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    profiles.set(profile.id, { ...profile, sandboxId: 'ABCD.3' });
    world.tokens.refuseXsts({ sandbox: 'ABCD.3', xerr: 2148916242 });
    const error = await rejection(credentials.authorizationFor(profile.id).current());
    expect(error.message).toBe(
      'This account has no access to sandbox ABCD.3: use a test account created for that sandbox in Partner Center, or pick the sandbox it belongs to.',
    );
  });
});

describe('a 401 from MPSD', () => {
  it('makes concurrent requests share exactly one renewal, after which they all succeed', async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    const source = credentials.authorizationFor(profile.id);
    const xuid = world.tokens.accounts[0]!.xuid;
    const stored = await readStoredToken(vault, profile.id);
    expect(world.mpsd.directory.revoke(stored!.token)).toBe(true);
    const xstsCalls = world.tokens.calls['POST /xsts/authorize']!;

    // What the MPSD client does: current(), and on 401 renew() once and retry.
    const renewals: number[] = [];
    const send = async () => {
      const status = await queryActivities(world.mpsd.url, await source.current(), xuid);
      if (status !== 401) return status;
      renewals.push(1);
      return queryActivities(world.mpsd.url, await source.renew(), xuid);
    };
    expect(await Promise.all([send(), send(), send()])).toEqual([200, 200, 200]);
    expect(renewals).toHaveLength(3);
    expect(world.tokens.calls['POST /xsts/authorize']).toBe(xstsCalls + 1);
  });

  it('for a pasted token asks for a fresh paste', async () => {
    const profile = addProfile();
    await credentials.pasteToken({ profileId: profile.id, authorization: world.mpsd.users[0]!.authorization });
    const error = await rejection(credentials.authorizationFor(profile.id).renew());
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('The pasted token was refused: paste a fresh one.');
  });
});

describe('a token MPSD refused (401 after the one renewal)', () => {
  /** Through the real MPSD client and the local MPSD, as a send or an outbox delivery does it. */
  function clientFor(profileId: string) {
    return createMpsdClient({
      fetch: (input, init) => fetch(input, init),
      baseUrl: world.mpsd.url,
      contractVersion: 107,
      locale: 'en-US',
      authorization: credentials.authorizationFor(profileId),
      clock: world.clock,
    });
  }

  async function untilRefused(profileId: string): Promise<TokenState> {
    // The refusal is written to the vault after the client has its answer; wait for that write.
    await vi.waitFor(async () => expect((await readStoredToken(vault, profileId))?.refusedAt).toBeDefined());
    return credentials.tokenState(profileId);
  }

  it('marks a pasted token refused in the vault and stops using it until a new one is pasted', async () => {
    const changed: string[] = [];
    credentials = new CredentialsService({
      vaults: { vault: async () => vault, keepInMemory: () => vault },
      profiles: { get: (id) => profiles.get(id) },
      fetch: (input, init) => fetch(input, init),
      openBrowser: completeBrowserSignIn,
      clock: world.clock,
      onTokenChanged: (profileId) => changed.push(profileId),
    });
    const profile = addProfile({ name: 'ABCD.3 dev' });
    const [refusedUser, nextUser] = world.mpsd.users;
    await credentials.pasteToken({ profileId: profile.id, authorization: refusedUser!.authorization });
    world.mpsd.directory.revoke((await readStoredToken(vault, profile.id))!.token);
    const query = activityQuery(TEST_SCID, { xuids: [refusedUser!.xuid] });

    const first = await clientFor(profile.id).send(query);
    expect(first.error?.code).toBe('UNAUTHORIZED');
    const state = await untilRefused(profile.id);
    expect(state).toMatchObject({ state: 'refused', source: 'pasted', refusedAt: new Date(world.clock.now()).toISOString() });
    expect(changed).toEqual([profile.id]);

    // Refused everywhere: no further request reaches MPSD, and the error names the profile and the fix.
    const reached = world.mpsd.stats().requests;
    const again = await clientFor(profile.id).send(query);
    expect(world.mpsd.stats().requests).toBe(reached);
    expect(again.error).toMatchObject({ code: 'UNAUTHORIZED', details: { refused: true, profileId: profile.id } });
    expect(again.error!.message).toContain('profile "ABCD.3 dev"');
    expect(again.error!.message).toContain(
      'paste a fresh token in Profiles (or pipe one into `handle-studio profile set-token "ABCD.3 dev"`)',
    );
    // Another process (a fresh service on the same vault) sees the refusal too.
    const otherProcess = new CredentialsService({
      vaults: { vault: async () => vault, keepInMemory: () => vault },
      profiles: { get: (id) => profiles.get(id) },
      fetch: (input, init) => fetch(input, init),
      openBrowser: completeBrowserSignIn,
      clock: world.clock,
    });
    expect((await otherProcess.tokenState(profile.id)).state).toBe('refused');
    expect((await rejection(otherProcess.authorizationFor(profile.id).current())).details).toMatchObject({ refused: true });

    // A new token ends the refusal.
    expect((await credentials.pasteToken({ profileId: profile.id, authorization: nextUser!.authorization })).state).toBe('pasted');
    expect((await readStoredToken(vault, profile.id))?.refusedAt).toBeUndefined();
    expect((await clientFor(profile.id).send(activityQuery(TEST_SCID, { xuids: [nextUser!.xuid] }))).response?.status).toBe(200);
  });

  it('marks a signed-in token refused when the renewed one is refused too, and signing in again clears it', async () => {
    const profile = addProfile({ name: 'Signed in' });
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    const user = world.tokens.accounts[0]!;
    // The renewal gets a token MPSD refuses as well: revoke every token the stand-ins issue from now on.
    world.mpsd.directory.revoke((await readStoredToken(vault, profile.id))!.token);
    const xsts = world.tokens.calls['POST /xsts/authorize']!;
    const originalAuthorize = world.mpsd.directory.issueToken.bind(world.mpsd.directory);
    world.mpsd.directory.issueToken = (request) => {
      const issued = originalAuthorize(request);
      world.mpsd.directory.revoke(issued.token);
      return issued;
    };
    const exchange = await clientFor(profile.id).send(activityQuery(TEST_SCID, { xuids: [user.xuid] }));
    expect(exchange.error?.code).toBe('UNAUTHORIZED');
    expect(world.tokens.calls['POST /xsts/authorize']).toBe(xsts + 1);
    expect(await untilRefused(profile.id)).toMatchObject({ state: 'refused', source: 'signed-in', gamertag: user.gamertag });
    expect((await rejection(credentials.authorizationFor(profile.id).current())).message).toContain(
      'sign in again in Profiles (or run `handle-studio profile login "Signed in"`)',
    );

    world.mpsd.directory.issueToken = originalAuthorize;
    expect((await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen))).state).toBe('signed-in');
    expect((await clientFor(profile.id).send(activityQuery(TEST_SCID, { xuids: [user.xuid] }))).response?.status).toBe(200);
  });

  it('does not blame a token pasted after the refused one was handed out', async () => {
    const profile = addProfile();
    const [refusedUser, nextUser] = world.mpsd.users;
    await credentials.pasteToken({ profileId: profile.id, authorization: refusedUser!.authorization });
    const source = credentials.authorizationFor(profile.id);
    await source.current();
    await credentials.pasteToken({ profileId: profile.id, authorization: nextUser!.authorization });
    source.refused!();
    expect((await credentials.tokenState(profile.id)).state).toBe('pasted');
    expect(await credentials.authorizationFor(profile.id).current()).toBe(nextUser!.authorization);
  });
});

describe('XSTS refusals in words', () => {
  it.each([
    [
      2148916233,
      'SIGN_IN_FAILED',
      'This account has no Xbox profile yet: sign in once at xbox.com to create one, then sign in here again.',
    ],
    [
      2148916242,
      'SIGN_IN_FAILED',
      'This account has no access to sandbox XDKS.1: use a test account created for that sandbox in Partner Center, or pick the sandbox it belongs to.',
    ],
    [
      2148916238,
      'SIGN_IN_FAILED',
      'This is a child account that is not part of a Microsoft family: an adult must add it to a family at account.microsoft.com/family before it can use Xbox Live.',
    ],
    [2148916227, 'SIGN_IN_FAILED', 'This account is banned from Xbox Live: use another test account.'],
    [2148916258, 'TOKEN_EXPIRED', 'The Xbox sign-in has expired or is no longer valid: sign in again.'],
    [2148916262, 'TOKEN_EXPIRED', 'The Xbox sign-in has expired or is no longer valid: sign in again.'],
  ])('XErr %i becomes %s', async (xerr, code, message) => {
    const profile = addProfile();
    world.tokens.refuseXsts({ xerr, xuid: world.tokens.accounts[0]!.xuid });
    const error = await rejection(credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen)));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(seen.at(-1)).toMatchObject({ stage: 'failed', message });
    expect((await credentials.tokenState(profile.id)).state).toBe('none');
  });

  it('refuses only the sandbox it is about', async () => {
    world.tokens.refuseXsts({ xerr: 2148916242, sandbox: 'ABCD.3' });
    const other = addProfile({ name: 'XDKS', sandboxId: 'XDKS.1' });
    expect((await credentials.signIn(other.id, 'device-code', approveDeviceCodes(world.tokens, seen))).state).toBe('signed-in');
  });
});

describe('pasted tokens', () => {
  it('work as pasted, with unknown expiry for an encrypted token', async () => {
    const profile = addProfile();
    const user = world.mpsd.users[0]!;
    const state = await credentials.pasteToken({ profileId: profile.id, authorization: `Authorization: ${user.authorization}` });
    expect(state).toEqual({ state: 'pasted', source: 'pasted', vault: 'memory' });
    const authorization = await credentials.authorizationFor(profile.id).current();
    expect(authorization).toBe(user.authorization);
    expect(await queryActivities(world.mpsd.url, authorization, user.xuid)).toBe(200);
  });

  it('accept the user hash and token separately, and expire at the given time', async () => {
    const profile = addProfile();
    const [, uhs, token] = /^XBL3\.0 x=([^;]+);(.+)$/.exec(world.mpsd.users[0]!.authorization)!;
    const expiresAt = new Date(world.clock.now() + HOUR).toISOString();
    expect(await credentials.pasteToken({ profileId: profile.id, userHash: uhs!, token: token!, expiresAt })).toMatchObject({
      state: 'pasted',
      expiresAt,
    });
    world.clock.advance(55 * 60_000);
    expect((await credentials.tokenState(profile.id)).state).toBe('expiring');
    world.clock.advance(10 * 60_000);
    expect((await credentials.tokenState(profile.id)).state).toBe('expired');
    const error = await rejection(credentials.authorizationFor(profile.id).current());
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message).toMatch(/^The pasted token expired at .*: paste a fresh one\.$/);
  });

  it('read the expiry of a plain JWT from its exp claim', async () => {
    const profile = addProfile();
    const exp = Math.floor(world.clock.now() / 1000) + 7200;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.c2lnbmF0dXJlLXBhcnQ`;
    const state = await credentials.pasteToken({ profileId: profile.id, authorization: `XBL3.0 x=1234567890;${jwt}` });
    expect(state.expiresAt).toBe(new Date(exp * 1000).toISOString());
  });

  it("replace an expired token: the new token's own exp wins over an expiry left over from the old one", async () => {
    const profile = addProfile();
    const expiresAt = new Date(world.clock.now() + HOUR).toISOString();
    await credentials.pasteToken({ profileId: profile.id, authorization: world.mpsd.users[0]!.authorization, expiresAt });
    world.clock.advance(2 * HOUR);
    expect((await credentials.tokenState(profile.id)).state).toBe('expired');

    const exp = Math.floor(world.clock.now() / 1000) + 7200;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.c2lnbmF0dXJlLXBhcnQ`;
    const state = await credentials.pasteToken({ profileId: profile.id, authorization: `XBL3.0 x=1234567890;${jwt}`, expiresAt });
    expect(state).toMatchObject({ state: 'pasted', expiresAt: new Date(exp * 1000).toISOString() });
  });

  it('refuse a value that is already past its expiry', async () => {
    const profile = addProfile();
    const error = await rejection(
      credentials.pasteToken({
        profileId: profile.id,
        authorization: world.mpsd.users[0]!.authorization,
        expiresAt: new Date(world.clock.now() - 1000).toISOString(),
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(await vault.keys(`${profile.id}/`)).toEqual([]);
  });

  it('replace a signed-in token, and sign-out forgets everything', async () => {
    const profile = addProfile();
    await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    await credentials.pasteToken({ profileId: profile.id, authorization: world.mpsd.users[1]!.authorization });
    expect(await credentials.authorizationFor(profile.id).current()).toBe(world.mpsd.users[1]!.authorization);

    expect(await credentials.signOut(profile.id)).toEqual({ state: 'none', vault: 'memory' });
    expect(await vault.keys(`${profile.id}/`)).toEqual([]);
    const error = await rejection(credentials.authorizationFor(profile.id).current());
    expect(error.code).toBe('NO_CREDENTIALS');
  });
});

describe('the vault entry', () => {
  it('is reported and kept, not trusted and not deleted, when it does not parse', async () => {
    const profile = addProfile();
    await vault.set(secretKey(profile.id, 'xsts'), '{"v":1,"source":"pasted","uhs":"12"');
    // A state, so listing profiles shows the others; using it for a call is refused.
    expect(await credentials.tokenState(profile.id)).toEqual({
      state: 'unreadable',
      vault: vault.kind,
      problem: expect.stringContaining('cannot be read by this version of Handle Studio (it was kept, not deleted)'),
    });
    await expect(credentials.authorizationFor(profile.id).current()).rejects.toMatchObject({ code: 'STORAGE' });
    expect(await vault.get(secretKey(profile.id, 'xsts'))).toBe('{"v":1,"source":"pasted","uhs":"12"');
  });

  it('for the Microsoft account cache is dropped when msal cannot read it, and sign-in still works', async () => {
    const profile = addProfile();
    await vault.set(secretKey(profile.id, 'msal-cache'), 'not json at all');
    const state = await credentials.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen));
    expect(state.state).toBe('signed-in');
    expect(JSON.parse((await vault.get(secretKey(profile.id, 'msal-cache')))!)).toHaveProperty('RefreshToken');
  });
});

describe('keychain unavailable', () => {
  it('is a state, and sign-in works after choosing memory', async () => {
    const vaults = createVaultChoice(async () => {
      throw new HandleStudioError('KEYCHAIN_UNAVAILABLE', 'Install and unlock gnome-keyring.');
    });
    const service = new CredentialsService({
      vaults,
      profiles: { get: (id) => profiles.get(id) },
      fetch: (input, init) => fetch(input, init),
      openBrowser: completeBrowserSignIn,
      clock: world.clock,
    });
    const profile = addProfile();
    expect(await service.tokenState(profile.id)).toEqual({ state: 'keychain-unavailable', vault: 'keychain' });
    expect((await rejection(service.authorizationFor(profile.id).current())).code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(service.keepSecretsInMemory()).toBe('memory');
    expect((await service.signIn(profile.id, 'device-code', approveDeviceCodes(world.tokens, seen))).vault).toBe('memory');
  });
});
