import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCTION_ENDPOINT, type ProfileDraft } from '../../shared/contract/profiles.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { ProfileStore } from './profile-store.ts';
import { migrateProfilesDocument } from './profiles-document.ts';

let directory: string;

const production: ProfileDraft = { name: 'ABCD.3 dev', environment: 'production', sandboxId: 'ABCD.3' };
const local: ProfileDraft = { name: 'Emulator', environment: 'local', endpoint: 'http://127.0.0.1:7777/', sandboxId: 'XDKS.1' };

function failure(run: () => unknown): HandleStudioError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HandleStudioError);
    return error as HandleStudioError;
  }
  throw new Error('expected an error');
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'handle-studio-profiles-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('profile store', () => {
  it('creates profiles with defaults, makes the first active, and keeps them across runs', () => {
    const store = ProfileStore.open({ directory });
    const first = store.save(production);
    const second = store.save({ ...local, defaultTitleId: '0x4D2', defaultScid: 'BD6C41C3-01C3-468A-A3B5-3E0FE8133862' });

    expect(first).toMatchObject({ endpoint: PRODUCTION_ENDPOINT, contractVersion: 107, locale: 'en-US', auth: {} });
    expect(second).toMatchObject({
      endpoint: 'http://127.0.0.1:7777',
      defaultTitleId: '0x4D2',
      defaultScid: 'BD6C41C3-01C3-468A-A3B5-3E0FE8133862',
    });
    expect(store.activeProfileId()).toBe(first.id);

    const reopened = ProfileStore.open({ directory });
    expect(reopened.list()).toEqual([first, second]);
    expect(reopened.active()).toEqual(first);
    expect(reopened.status()).toEqual({});
    expect(JSON.parse(readFileSync(join(directory, 'profiles.json'), 'utf8'))).toMatchObject({
      schemaVersion: 1,
      activeProfileId: first.id,
    });
  });

  it('updates by id, activates, and picks another active profile when the active one is removed', () => {
    const store = ProfileStore.open({ directory });
    const first = store.save(production);
    const second = store.save(local);
    const renamed = store.save({ ...local, id: second.id, name: 'Local emulator', contractVersion: 105 });
    expect(renamed).toMatchObject({ id: second.id, name: 'Local emulator', contractVersion: 105 });
    expect(store.list()).toHaveLength(2);

    store.activate(second.id);
    expect(ProfileStore.open({ directory }).activeProfileId()).toBe(second.id);
    expect(store.remove(second.id)).toBe(true);
    expect(store.remove(second.id)).toBe(false);
    expect(store.activeProfileId()).toBe(first.id);
    expect(store.remove(first.id)).toBe(true);
    expect(store.activeProfileId()).toBeNull();
  });

  it('refuses a second profile with the same name, ignoring case', () => {
    const store = ProfileStore.open({ directory });
    store.save(production);
    const error = failure(() => store.save({ ...local, name: 'abcd.3 DEV' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('A profile named "ABCD.3 dev" already exists: choose another name.');
    expect(store.list()).toHaveLength(1);
  });

  it.each([
    [{ ...production, endpoint: 'https://example.com' }, /Production profiles always use https:\/\/sessiondirectory\.xboxlive\.com/],
    [{ ...local, endpoint: undefined }, /Endpoint is required for a local profile/],
    [{ ...local, endpoint: 'http://mpsd.example.com' }, /must use https \(plain http is allowed only for 127\.0\.0\.1 or localhost/],
    [{ ...local, sandboxId: 'abcd.3' }, /Sandbox id must look like ABCD\.3/],
    [{ ...local, auth: { msaClientId: 'my-app' } }, /Application \(client\) id must be a GUID/],
    [{ ...local, auth: { tokenEndpoints: { authority: 'ftp://login' } } }, /Authority URL must use https/],
    [{ ...local, name: ' ' }, /Profile name is required/],
  ] as Array<[ProfileDraft, RegExp]>)('explains an invalid profile (%#)', (draft, message) => {
    const store = ProfileStore.open({ directory });
    const error = failure(() => store.save(draft));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(message);
  });

  it('says a profile is gone when asked to update or activate an unknown id', () => {
    const store = ProfileStore.open({ directory });
    expect(failure(() => store.save({ ...local, id: crypto.randomUUID() })).code).toBe('NOT_FOUND');
    expect(failure(() => store.activate(crypto.randomUUID())).code).toBe('NOT_FOUND');
  });
});

describe('a damaged profiles file', () => {
  it.each([
    ['torn JSON', '{"schemaVersion":1,"activeProfileId":null,"profiles":[{"name":"AB'],
    ['a wrong shape', '{"schemaVersion":1,"activeProfileId":null,"profiles":[{"name":42}]}'],
  ])('with %s is kept aside, and the store starts empty and says so', (_, content) => {
    writeFileSync(join(directory, 'profiles.json'), content);
    const store = ProfileStore.open({ directory, now: () => Date.parse('2026-05-01T10:20:30.456Z') });

    expect(store.list()).toEqual([]);
    const keptAside = join(directory, 'profiles.json.damaged-2026-05-01T10-20-30-456Z');
    expect(store.status().notice).toEqual({ keptAside, message: expect.stringContaining(`The old file was kept as ${keptAside}.`) });
    expect(readFileSync(keptAside, 'utf8')).toBe(content);
    expect(readdirSync(directory).sort()).toEqual(['profiles.json', 'profiles.json.damaged-2026-05-01T10-20-30-456Z']);

    // The new file works, and the next run is clean.
    store.save(local);
    const next = ProfileStore.open({ directory });
    expect(next.list()).toHaveLength(1);
    expect(next.status()).toEqual({});
  });
});

describe('a profiles file a newer Handle Studio wrote', () => {
  const id = crypto.randomUUID();
  // Schema 2 with a field this version does not know, on the profile and at the top.
  const newer = JSON.stringify({
    schemaVersion: 2,
    activeProfileId: id,
    workspaces: ['team'],
    profiles: [
      { id, name: 'From v2', environment: 'production', sandboxId: 'ABCD.3', colour: 'teal' },
      { id: 'broken', name: 3 },
    ],
  });

  it('is shown read-only, never rewritten, and every change says to update Handle Studio', () => {
    const path = join(directory, 'profiles.json');
    writeFileSync(path, newer);
    const store = ProfileStore.open({ directory });

    expect(store.list()).toEqual([expect.objectContaining({ id, name: 'From v2', sandboxId: 'ABCD.3' })]);
    expect(store.activeProfileId()).toBe(id);
    expect(store.status().notice).toEqual({
      keptAside: path,
      message: expect.stringMatching(
        /written by a newer Handle Studio \(schema 2.*update Handle Studio[\s\S]*read-only[\s\S]*1 profile\(s\) in it cannot be shown/,
      ),
    });
    for (const change of [() => store.save(local), () => store.remove(id), () => store.activate(id)]) {
      const error = failure(change);
      expect(error.code).toBe('STORAGE');
      expect(error.message).toMatch(/update Handle Studio/);
    }
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(readdirSync(directory)).toEqual(['profiles.json']);
  });
});

describe('a profiles file the disk will not let us write', () => {
  it('is a STORAGE error naming the folder, not INTERNAL', () => {
    const blocker = join(directory, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const error = failure(() => ProfileStore.open({ directory: join(blocker, 'data') }));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(/is not a folder \(a file is in the way on its path\)/);
  });
});

describe('profiles file upgrades', () => {
  it('reads an unversioned file as version 0 and fills defaults added since', () => {
    const id = crypto.randomUUID();
    expect(
      migrateProfilesDocument({
        profiles: [{ id, name: 'Old', environment: 'production', sandboxId: 'XDKS.1' }],
      }),
    ).toEqual({
      schemaVersion: 1,
      activeProfileId: id,
      profiles: [
        {
          id,
          name: 'Old',
          environment: 'production',
          endpoint: PRODUCTION_ENDPOINT,
          sandboxId: 'XDKS.1',
          contractVersion: 107,
          locale: 'en-US',
          auth: {},
          service: 'mpsd',
        },
      ],
    });
    expect(migrateProfilesDocument({})).toEqual({ schemaVersion: 1, activeProfileId: null, profiles: [] });
  });

  it('writes through whatever store the app hands it (electron-store in Electron main)', () => {
    const opened: Array<{ cwd: string; configName: string }> = [];
    const backing = { path: join(directory, 'profiles.json'), store: {} as Record<string, unknown> };
    const open = (options: { cwd: string; configName: string }) => {
      opened.push({ cwd: options.cwd, configName: options.configName });
      return backing;
    };
    const saved = ProfileStore.open({ directory, openBackingStore: open }).save(production);
    expect(opened).toEqual([{ cwd: directory, configName: 'profiles' }]);
    expect(backing.store).toEqual({ schemaVersion: 1, activeProfileId: saved.id, profiles: [saved] });
    expect(ProfileStore.open({ directory, openBackingStore: open }).list()).toEqual([saved]);
  });
});
