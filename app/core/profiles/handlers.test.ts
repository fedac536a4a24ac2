import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as z from '../../shared/zod.ts';
import { profileChannels, profileEvents } from '../../shared/contract/profiles.ts';
import { toAppError, type AppError } from '../../shared/errors.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { CredentialsService } from '../credentials/credentials-service.ts';
import { MemoryVault } from '../credentials/memory-vault.ts';
import {
  approveDeviceCodes,
  completeBrowserSignIn,
  queryActivities,
  startStandIns,
  type StandIns,
} from '../credentials/stand-ins.fixture.ts';
import { authorizationForActiveProfile, createProfileHandlers } from './handlers.ts';
import { ProfileStore } from './profile-store.ts';

type Channels = typeof profileChannels;
type Published = { name: string; payload: unknown };

let world: StandIns;
let dataDir: string;
let vault: MemoryVault;
let profiles: ProfileStore;
let credentials: CredentialsService;
let handlers: ReturnType<typeof createProfileHandlers>;
let published: Published[];
/** Every answer a handler gave and every error it threw, as the renderer would receive them. */
let answers: unknown[];

/** What the dispatcher does: parse the input, run the handler, parse the output. */
async function call<K extends keyof Channels>(name: K, input: z.input<Channels[K]['input']>): Promise<z.output<Channels[K]['output']>> {
  try {
    const parsed = parseOrThrow(profileChannels[name].input, input);
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const output = profileChannels[name].output.parse(await handler(parsed)) as z.output<Channels[K]['output']>;
    answers.push(output);
    return output;
  } catch (error) {
    answers.push(toAppError(error));
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the renderer receives AppError values, so the tests see those
    throw toAppError(error);
  }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  return promise.then(
    () => {
      throw new Error('expected an error');
    },
    (error: AppError) => error,
  );
}

/** Every secret the vault holds right now: tokens, user hashes, the msal cache's tokens. */
async function secretsInVault(): Promise<string[]> {
  const secrets: string[] = [];
  for (const key of await vault.keys('')) {
    const value = (await vault.get(key))!;
    const parsed = JSON.parse(value) as Record<string, unknown>;
    if (key.endsWith('/xsts')) {
      secrets.push(String(parsed['token']), String(parsed['uhs']), `x=${String(parsed['uhs'])};`);
    } else {
      for (const section of ['AccessToken', 'RefreshToken', 'IdToken'] as const) {
        for (const entry of Object.values((parsed[section] ?? {}) as Record<string, { secret: string }>)) secrets.push(entry.secret);
      }
    }
  }
  return secrets;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeEach(async () => {
  world = await startStandIns();
  dataDir = mkdtempSync(join(tmpdir(), 'handle-studio-profile-handlers-'));
  vault = new MemoryVault();
  profiles = ProfileStore.open({ directory: dataDir });
  credentials = new CredentialsService({
    vaults: { vault: async () => vault, keepInMemory: () => vault },
    profiles,
    fetch: (input, init) => fetch(input, init),
    openBrowser: completeBrowserSignIn,
    clock: world.clock,
  });
  published = [];
  answers = [];
  handlers = createProfileHandlers({
    profiles,
    credentials,
    fetch: (input, init) => fetch(input, init),
    publish: (name, payload) => {
      // Events are parsed like channel outputs before they leave main.
      published.push({ name, payload: profileEvents[name].payload.parse(payload) });
      if (name === 'signInProgress') approveDeviceCodes(world.tokens, [])(payload as Parameters<ReturnType<typeof approveDeviceCodes>>[0]);
    },
  });
});

afterEach(async () => {
  await world.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('profile handlers', () => {
  it('never let a secret reach an answer, an event, or a file in the data folder', async () => {
    const signedIn = await call('saveProfile', world.draft({ name: 'Signed in' }));
    const pasted = await call('saveProfile', world.draft({ name: 'Pasted' }));
    const user = world.mpsd.users[1]!;

    expect(await call('signIn', { profileId: signedIn.id, method: 'device-code' })).toMatchObject({ state: 'signed-in' });
    expect(await call('signIn', { profileId: signedIn.id, method: 'browser' })).toMatchObject({ state: 'signed-in' });
    expect(await call('pasteToken', { profileId: pasted.id, authorization: user.authorization })).toEqual({
      state: 'pasted',
      source: 'pasted',
      vault: 'memory',
    });
    await call('getTokenState', { profileId: signedIn.id });
    await call('activateProfile', { profileId: pasted.id });
    const listed = await call('listProfiles', {});
    // A failed paste must not echo what was pasted.
    await failure(call('pasteToken', { profileId: pasted.id, authorization: `XBL3.0 x=${user.authorization.slice(10, 30)}` }));
    await failure(call('pasteToken', { profileId: pasted.id, authorization: `Bearer ${user.authorization}` }));

    expect(listed.profiles.map((profile) => [profile.name, profile.active, profile.token.state])).toEqual([
      ['Signed in', false, 'signed-in'],
      ['Pasted', true, 'pasted'],
    ]);
    expect(published.filter((event) => event.name === 'signInProgress').map((event) => (event.payload as { stage: string }).stage)).toEqual(
      ['device-code', 'getting-xbox-token', 'signed-in', 'browser-opened', 'getting-xbox-token', 'signed-in'],
    );

    const secrets = [...(await secretsInVault()), user.authorization, user.authorization.split(';')[1]!];
    expect(secrets.length).toBeGreaterThan(6);
    const visible = JSON.stringify({ answers, published });
    const files = filesUnder(dataDir).map((path) => readFileSync(path, 'utf8'));
    expect(files.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(visible).not.toContain(secret);
      for (const file of files) expect(file).not.toContain(secret);
    }
  });

  it('remove a profile together with its keychain entries', async () => {
    const profile = await call('saveProfile', world.draft());
    await call('signIn', { profileId: profile.id, method: 'device-code' });
    expect(await vault.keys(`${profile.id}/`)).toHaveLength(2);

    expect(await call('removeProfile', { profileId: profile.id })).toEqual({ removed: true });
    expect(await vault.keys(`${profile.id}/`)).toEqual([]);
    expect((await call('listProfiles', {})).profiles).toEqual([]);
    expect(await call('removeProfile', { profileId: profile.id })).toEqual({ removed: false });
    expect(published.filter((event) => event.name === 'profilesChanged').at(-1)?.payload).toEqual({
      activeProfileId: null,
      profileIds: [],
    });
  });

  it('sign out leaves the profile but forgets its token', async () => {
    const profile = await call('saveProfile', world.draft());
    await call('signIn', { profileId: profile.id, method: 'device-code' });
    expect(await call('signOut', { profileId: profile.id })).toEqual({ state: 'none', vault: 'memory' });
    expect((await call('listProfiles', {})).profiles).toHaveLength(1);
    expect(await vault.keys('')).toEqual([]);
  });

  it('report a damaged profiles file in the list', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'handle-studio-profile-handlers-broken-'));
    try {
      writeFileSync(join(broken, 'profiles.json'), '{"schemaVersion":1,"profi');
      handlers = createProfileHandlers({
        profiles: ProfileStore.open({ directory: broken }),
        credentials,
        publish: () => undefined,
        fetch,
      });
      const listed = await call('listProfiles', {});
      expect(listed.profiles).toEqual([]);
      expect(listed.notice?.keptAside).toMatch(/profiles\.json\.damaged-/);
      expect(listed.notice?.message).toMatch(/could not be read/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('refuse unknown fields and explain bad input', async () => {
    const error = await failure(call('signIn', { profileId: crypto.randomUUID(), method: 'password' as 'browser' }));
    expect(error).toMatchObject({ code: 'VALIDATION', message: 'method: Sign-in method must be browser or device-code.' });
    const extra = await failure(call('removeProfile', { profileId: crypto.randomUUID(), force: true } as { profileId: string }));
    expect(extra.message).toMatch(/Unknown field "force"/);
    const missing = await failure(call('pasteToken', { profileId: crypto.randomUUID(), userHash: '123' }));
    expect(missing.message).toMatch(/or both the user hash and the token/);
    const unknown = await failure(call('getTokenState', { profileId: crypto.randomUUID() }));
    expect(unknown.code).toBe('NOT_FOUND');
  });

  it("give the MPSD client the active profile's Authorization, following profile switches", async () => {
    const first = await call('saveProfile', world.draft({ name: 'First' }));
    const second = await call('saveProfile', world.draft({ name: 'Second' }));
    const source = authorizationForActiveProfile(profiles, credentials);
    await call('pasteToken', { profileId: first.id, authorization: world.mpsd.users[0]!.authorization });
    await call('pasteToken', { profileId: second.id, authorization: world.mpsd.users[1]!.authorization });

    expect(await source.current()).toBe(world.mpsd.users[0]!.authorization);
    await call('activateProfile', { profileId: second.id });
    const authorization = await source.current();
    expect(authorization).toBe(world.mpsd.users[1]!.authorization);
    expect(await queryActivities(world.mpsd.url, authorization, world.mpsd.users[1]!.xuid)).toBe(200);

    await call('removeProfile', { profileId: first.id });
    await call('removeProfile', { profileId: second.id });
    await expect(source.current()).rejects.toMatchObject({ code: 'NO_CREDENTIALS' });
  });

  it("fill the profile's XUID from the local MPSD's user list when a token of one of its users is pasted", async () => {
    const profile = await call('saveProfile', world.draft({ name: 'Pasted' }));
    const user = world.mpsd.users[2]!;
    const state = await call('pasteToken', { profileId: profile.id, authorization: user.authorization });
    // The token itself does not say who it is (opaque), the local MPSD's list does.
    expect(state.xuid).toBeUndefined();
    const [listed] = (await call('listProfiles', {})).profiles;
    expect(listed?.xuid).toBe(user.xuid);
    // A token issued later for another user names that user (the user hash is per user).
    const other = world.mpsd.users[0]!;
    const [uhs, token] = other.authorization.slice('XBL3.0 x='.length).split(';');
    await call('pasteToken', { profileId: profile.id, userHash: uhs!, token: token! });
    expect((await call('listProfiles', {})).profiles[0]?.xuid).toBe(other.xuid);
    // Kept in the profiles file, so the CLI and the next run know it too.
    expect(ProfileStore.open({ directory: dataDir }).get(profile.id)?.xuid).toBe(other.xuid);
  });

  it('leave a typed XUID alone when the token names nobody the endpoint knows, and ask only loopback endpoints', async () => {
    const asked: string[] = [];
    handlers = createProfileHandlers({
      profiles,
      credentials,
      publish: () => undefined,
      fetch: (input, init) => (asked.push(String(input)), fetch(input, init)),
    });
    const typed = '2814660000000099';
    const custom = await call(
      'saveProfile',
      world.draft({ name: 'Elsewhere', environment: 'custom', endpoint: 'https://mpsd.example.invalid', xuid: typed }),
    );
    await call('pasteToken', { profileId: custom.id, authorization: world.mpsd.users[1]!.authorization });
    expect(profiles.get(custom.id)?.xuid).toBe(typed);
    expect(asked).toEqual([]);
    // A loopback endpoint that is not a local MPSD: asked, nothing learnt, the typed XUID kept.
    const notMpsd = await call('saveProfile', world.draft({ name: 'Stand-ins', endpoint: world.tokens.url, xuid: typed }));
    await call('pasteToken', { profileId: notMpsd.id, authorization: world.mpsd.users[1]!.authorization });
    expect(asked).toEqual([`${world.tokens.url}/_emulator/users`]);
    expect(profiles.get(notMpsd.id)?.xuid).toBe(typed);
  });

  it("fill the profile's XUID from a sign-in", async () => {
    const profile = await call('saveProfile', world.draft({ name: 'Signed in' }));
    const state = await call('signIn', { profileId: profile.id, method: 'device-code' });
    expect(state.xuid).toMatch(/^[0-9]+$/);
    expect(profiles.get(profile.id)?.xuid).toBe(state.xuid);
  });

  it('switch to memory when the user asks', async () => {
    expect(await call('keepSecretsInMemory', {})).toEqual({ vault: 'memory' });
  });
});
