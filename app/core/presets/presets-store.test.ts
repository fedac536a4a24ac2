import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presetChannels } from '../../shared/contract/presets.ts';
import type { MpsdPreset, MpsdPresetInput, Preset, PresetInput } from '../../shared/presets/preset.ts';
import { createPresetHandlers } from './presets-handlers.ts';
import type { PresetFile, PresetsStore } from './presets-store.ts';
import { confPresetFileSource, openPresetsStore } from './presets-store.ts';

const SCID = 'BD6C41C3-01C3-468A-A3B5-3E0FE8133862';
let dir: string;
let clock: number;

function open(dataDir = dir): PresetsStore {
  return openPresetsStore({ source: confPresetFileSource(dataDir), now: () => clock });
}

function lobbyInvite(overrides: Partial<MpsdPresetInput> = {}): MpsdPresetInput {
  return {
    name: 'Lobby invite',
    sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-7' },
    inviteAttributes: { titleId: '0x4D2', context: 'map=dust', contextString: '', senderString: undefined },
    recipients: [
      { label: 'QA box 3', xuid: '2814679796296491' },
      { label: 'Alice', xuid: '2533274790395904' },
    ],
    joinAndSetActivityFirst: true,
    notes: 'Use in XDKS.1',
    ...overrides,
  };
}

/** The preset as an MPSD one (failing the test when it is not). */
function mpsd(preset: Preset): MpsdPreset {
  if (preset.service !== 'mpsd') throw new Error(`expected an MPSD preset, got ${preset.service}`);
  return preset;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-presets-'));
  clock = Date.parse('2026-03-01T09:00:00Z');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('presets', () => {
  it('creates a preset, normalising what MPSD needs, and reads it back after a restart', () => {
    const created = mpsd(open().create(lobbyInvite()));
    expect(created).toMatchObject({
      sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-7' },
      // The title id stays as typed (Partner Center's hex); the invite built from it carries the decimal.
      inviteAttributes: { titleId: '0x4D2', context: 'map=dust' },
      favourite: false,
      updatedAt: '2026-03-01T09:00:00.000Z',
    });
    // An emptied optional attribute is left out, never stored as "".
    expect('contextString' in created.inviteAttributes && created.inviteAttributes.contextString !== undefined).toBe(false);
    const reopened = open();
    expect(reopened.list()).toEqual([JSON.parse(JSON.stringify(created))]);
    const onDisk = JSON.parse(readFileSync(join(dir, 'presets.json'), 'utf8')) as { schemaVersion: number };
    expect(onDisk.schemaVersion).toBe(3);
  });

  it('supports a fresh session name at each send instead of a fixed one', () => {
    const store = open();
    const preset = mpsd(store.create(lobbyInvite({ sessionRef: { scid: SCID, templateName: 'GameSession', newNameEachTime: true } })));
    expect(preset.sessionRef).toEqual({ scid: SCID, templateName: 'GameSession', newNameEachTime: true });
    expect(() => store.create(lobbyInvite({ sessionRef: { scid: SCID, templateName: 'GameSession' } }))).toThrow(
      /sessionRef\.name: Give a session name, or set newNameEachTime/,
    );
  });

  it('edits, duplicates, favourites, searches and deletes', () => {
    const store = open();
    const a = store.create(lobbyInvite());
    const b = store.create(lobbyInvite({ name: 'Activity only', recipients: [], notes: '' }));
    clock += 1000;
    const edited = store.update(a.id, lobbyInvite({ name: 'Lobby invite v2' }));
    expect(edited).toMatchObject({ id: a.id, name: 'Lobby invite v2', updatedAt: '2026-03-01T09:00:01.000Z' });
    const copy = store.duplicate(a.id);
    expect(copy).toMatchObject({ name: 'Lobby invite v2 (copy)', recipients: edited.recipients });
    expect(copy.id).not.toBe(a.id);
    store.setFavourite(b.id, true);
    expect(store.list().map((p) => p.name)).toEqual(['Activity only', 'Lobby invite v2', 'Lobby invite v2 (copy)']);
    expect(store.list({ favouritesOnly: true }).map((p) => p.name)).toEqual(['Activity only']);
    expect(
      store
        .list({ search: 'alice' })
        .map((p) => p.id)
        .sort(),
    ).toEqual([a.id, copy.id].sort());
    expect(store.list({ search: '6296491' })).toHaveLength(2);
    expect(store.list({ search: 'LOBBY-7' })).toHaveLength(3);
    store.delete(copy.id);
    expect(() => store.get(copy.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(open().list()).toHaveLength(2);
  });

  it('refuses a bad preset with a message naming the field', () => {
    const store = open();
    expect(() => store.create(lobbyInvite({ inviteAttributes: { titleId: 'abc' } }))).toThrow(/inviteAttributes\.titleId: Title id "abc"/);
    expect(() => store.create(lobbyInvite({ recipients: [{ label: 'x', xuid: '12a' }] }))).toThrow(
      /recipients\.0\.xuid: XUID must be decimal/,
    );
    expect(() =>
      store.create(
        lobbyInvite({
          recipients: [
            { label: 'a', xuid: '1' },
            { label: 'b', xuid: '01' },
          ],
        }),
      ),
    ).toThrow(/listed twice/);
    expect(() => store.create(lobbyInvite({ inviteAttributes: { titleId: '1', context: '€'.repeat(30) } }))).toThrow(/URI-encoded/);
    expect(() => store.create(lobbyInvite({ notes: 'token XBL3.0 x=123;eyJabc.def' }))).toThrow(/token/);
    expect(store.list()).toEqual([]);
  });

  it('upgrades a v1 file (bare XUIDs) to labelled recipients with nothing lost, keeping the original', () => {
    const v1 = {
      presets: [
        {
          id: 'legacy-1',
          name: 'Old invite',
          profileId: 'profile-7',
          sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-1' },
          inviteAttributes: { titleId: '1234', contextString: '///INVITE_STRING' },
          recipientXuids: ['2814679796296491', '2533274790395904'],
          joinAndSetActivityFirst: false,
          notes: 'from the first release',
          favourite: true,
          updatedAt: '2025-12-01T10:00:00.000Z',
        },
      ],
    };
    writeFileSync(join(dir, 'presets.json'), JSON.stringify(v1));
    const store = open();
    expect(store.status().upgradedFrom).toEqual({ version: 1, backupPath: join(dir, 'presets.json.before-v3') });
    expect(store.list()).toEqual([
      {
        service: 'mpsd',
        id: 'legacy-1',
        name: 'Old invite',
        profileId: 'profile-7',
        sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-1' },
        inviteAttributes: { titleId: '1234', contextString: '///INVITE_STRING' },
        recipients: [
          { label: '', xuid: '2814679796296491' },
          { label: '', xuid: '2533274790395904' },
        ],
        joinAndSetActivityFirst: false,
        notes: 'from the first release',
        favourite: true,
        updatedAt: '2025-12-01T10:00:00.000Z',
      },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'presets.json.before-v3'), 'utf8'))).toEqual(v1);
    // The upgraded file is written as v3, and opening it again is not another upgrade.
    const again = open();
    expect(again.status().upgradedFrom).toBeUndefined();
    expect(again.list()[0]?.recipients).toHaveLength(2);
  });

  it('opens despite a torn file, moving it aside and saying so', () => {
    const torn = '{"schemaVersion":2,"presets":[{"id":"a","name":"Half';
    writeFileSync(join(dir, 'presets.json'), torn);
    const store = open();
    const status = store.status();
    expect(status.damagedFileMovedTo).toBe(join(dir, 'presets.json.damaged-2026-03-01T09-00-00-000Z'));
    expect(readFileSync(status.damagedFileMovedTo!, 'utf8')).toBe(torn);
    expect(store.list()).toEqual([]);
    store.create(lobbyInvite());
    expect(open().list()).toHaveLength(1);
  });

  it('keeps the readable presets of a partly damaged file and sets the original aside', () => {
    const good = open().create(lobbyInvite());
    const file = JSON.parse(readFileSync(join(dir, 'presets.json'), 'utf8')) as { presets: unknown[] };
    file.presets.push({ id: 'broken', name: 'Broken', sessionRef: 'not an object' });
    writeFileSync(join(dir, 'presets.json'), JSON.stringify(file));
    const store = open();
    expect(store.status()).toMatchObject({ unreadablePresets: 1, damagedFileMovedTo: expect.stringContaining('.damaged-') });
    expect(store.list().map((p) => p.id)).toEqual([good.id]);
    expect(readFileSync(store.status().damagedFileMovedTo!, 'utf8')).toContain('"Broken"');
  });

  it('never overwrites a file from a newer version', () => {
    const newer = JSON.stringify({ schemaVersion: 4, presets: [] });
    writeFileSync(join(dir, 'presets.json'), newer);
    const store = open();
    expect(store.status().readOnlyReason).toMatch(/newer Handle Studio/);
    expect(() => store.create(lobbyInvite())).toThrow(expect.objectContaining({ code: 'STORAGE' }));
    expect(readFileSync(join(dir, 'presets.json'), 'utf8')).toBe(newer);
  });

  it('keeps changes in memory when the data folder cannot be written, and saves them once it can', () => {
    // Tests run as root, where chmod does not stop writes; a data folder replaced by a
    // plain file fails every write the way an unwritable folder does (ENOTDIR / EEXIST).
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const store = open(dataDir);
    const kept = store.create(lobbyInvite());
    // The folder is moved away (a drive unplugged), a file in its place, then put back as it was.
    renameSync(dataDir, `${dataDir}.away`);
    writeFileSync(dataDir, 'not a folder');

    let thrown: unknown;
    try {
      store.create(lobbyInvite({ name: 'Made while broken' }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/kept in memory/) });
    expect(store.list().map((p) => p.name)).toEqual(['Lobby invite', 'Made while broken']);
    expect(store.status()).toMatchObject({ unsavedChanges: true, lastSaveError: expect.stringMatching(/could not be saved/) });

    rmSync(dataDir);
    renameSync(`${dataDir}.away`, dataDir);
    store.retrySave();
    expect(store.status().unsavedChanges).toBe(false);
    expect(
      open(dataDir)
        .list()
        .map((p) => p.id),
    ).toContain(kept.id);
    expect(open(dataDir).list()).toHaveLength(2);
  });

  it('says the disk is full when the write fails with ENOSPC', () => {
    // A full disk cannot be made on demand here; the file double throws the error Node gives.
    let fail = false;
    let written: Record<string, unknown> = {};
    const backing: PresetFile = {
      path: join(dir, 'presets.json'),
      get store() {
        return written;
      },
      set store(value: Record<string, unknown>) {
        if (fail) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        written = value;
      },
    };
    const store = openPresetsStore({ source: { path: backing.path, open: () => backing } });
    store.create(lobbyInvite());
    fail = true;
    expect(() => store.create(lobbyInvite({ name: 'B' }))).toThrow(/The disk holding .* is full: free some space/);
    expect(store.list()).toHaveLength(2);
  });
});

describe('team presets file', () => {
  it('exports without ids, profiles or favourites, and imports into another data folder', () => {
    const store = open();
    const preset = store.create(lobbyInvite({ profileId: 'profile-1', favourite: true }));
    const text = store.exportFile();
    const file = JSON.parse(text) as { format: string; version: number; presets: Record<string, unknown>[] };
    expect(file.format).toBe('handle-studio-presets');
    expect(file.version).toBe(1);
    expect(Object.keys(file.presets[0]!).sort()).toEqual([
      'inviteAttributes',
      'joinAndSetActivityFirst',
      'name',
      'notes',
      'recipients',
      'sessionRef',
    ]);
    expect(text).not.toContain(preset.id);
    expect(text).not.toContain('profile-1');

    const otherDir = mkdtempSync(join(tmpdir(), 'hs-presets-other-'));
    try {
      const other = open(otherDir);
      expect(other.importFile(text, { replaceExisting: false })).toMatchObject({ added: 1, updated: 0, unchanged: 0 });
      const imported = other.list()[0]!;
      expect(imported).toMatchObject({ name: 'Lobby invite', recipients: preset.recipients, favourite: false });
      expect(imported.profileId).toBeUndefined();
      // Importing the same file again finds it unchanged instead of doubling it.
      expect(other.importFile(text, { replaceExisting: false })).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
      expect(other.list()).toHaveLength(1);
      expect(other.list()[0]!.id).toBe(imported.id);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('imports a hand-written preset without notes; previews new / replaced / unchanged and replaces only when allowed', () => {
    const store = open();
    const kept = store.create(lobbyInvite({ name: 'Kept', favourite: true }));
    const changing = store.create(lobbyInvite({ name: 'Changing' }));
    const shared = (name: string, session: string) => {
      const { notes: _notes, ...withoutNotes } = JSON.parse(store.exportFile([kept.id])).presets[0] as Record<string, unknown>;
      return { ...withoutNotes, name, sessionRef: { scid: SCID, templateName: 'GameSession', name: session } };
    };
    const keptAsSaved = JSON.parse(store.exportFile([kept.id])).presets[0] as Record<string, unknown>;
    const text = JSON.stringify({
      format: 'handle-studio-presets',
      version: 1,
      presets: [keptAsSaved, shared('changing', 'lobby-9'), shared('New one', 'lobby-3')],
    });

    expect(store.previewImport(text)).toEqual({ added: ['New one'], replaced: ['changing'], unchanged: ['Kept'] });
    expect(() => store.importFile(text, { replaceExisting: false })).toThrow(
      /Importing would replace 1 saved preset \("changing"\)\. Nothing was imported/,
    );
    expect(store.list().map((p) => p.name)).toEqual(['Kept', 'Changing']);

    expect(store.importFile(text, { replaceExisting: true })).toMatchObject({ added: 1, updated: 1, unchanged: 1 });
    expect(store.get(kept.id)).toEqual(kept);
    expect(store.get(changing.id)).toMatchObject({ name: 'changing', notes: '', sessionRef: { name: 'lobby-9' } });
    expect(store.list().find((p) => p.name === 'New one')).toMatchObject({ notes: '', favourite: false });
  });

  it('names every bad preset and field, and imports nothing when any is wrong', () => {
    const store = open();
    store.create(lobbyInvite({ name: 'Existing' }));
    const file = {
      format: 'handle-studio-presets',
      version: 1,
      presets: [
        { ...JSON.parse(open().exportFile()).presets[0], name: 'Fine one' },
        {
          name: 'Bad title',
          sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby' },
          inviteAttributes: { titleId: '0xZZ' },
          recipients: [],
          joinAndSetActivityFirst: false,
          notes: '',
        },
        { name: 'Missing parts', sessionRef: { scid: 'nope', templateName: 'GameSession', name: 'x' } },
      ],
    };
    let thrown: { code?: string; message?: string; details?: { problems: { presetNumber?: number; field: string }[] } } = {};
    try {
      store.importFile(JSON.stringify(file), { replaceExisting: true });
    } catch (error) {
      thrown = error as typeof thrown;
    }
    expect(thrown.code).toBe('VALIDATION');
    // Every problem in the message itself (the CLI prints only the message), each sentence ended once.
    expect(thrown.message).toMatch(/^\d+ problems: Preset 2 \("Bad title"\), inviteAttributes\.titleId: Title id "0xZZ"/);
    expect(thrown.message).toContain('Preset 3 ("Missing parts"), sessionRef.scid: ');
    expect(thrown.message).toContain('Preset 3 ("Missing parts"), recipients: Missing: give a list [ ... ].');
    expect(thrown.message).not.toContain('more problem');
    // Two full stops in a row (an ellipsis, as in "{ ... }", is three).
    expect(thrown.message).not.toMatch(/(?<!\.)\.\.(?!\.)/);
    expect(thrown.message).toMatch(/ Nothing was imported\.$/);
    const problems = thrown.details!.problems.map((p) => `${p.presetNumber}:${p.field}`);
    expect(problems).toEqual(
      expect.arrayContaining(['2:inviteAttributes.titleId', '3:sessionRef.scid', '3:inviteAttributes', '3:recipients']),
    );
    expect(store.list().map((p) => p.name)).toEqual(['Existing']);
  });

  it('refuses files that are not presets files, with a reason', () => {
    const store = open();
    expect(() => store.importFile('{not json', { replaceExisting: true })).toThrow(/not valid JSON/);
    expect(() =>
      store.importFile(JSON.stringify({ format: 'something-else', version: 1, presets: [] }), { replaceExisting: true }),
    ).toThrow(/not a Handle Studio presets file/);
    expect(() =>
      store.importFile(JSON.stringify({ format: 'handle-studio-presets', version: 3, presets: [] }), { replaceExisting: true }),
    ).toThrow(/version must be 1 or 2/);
    const twice = { format: 'handle-studio-presets', version: 1, presets: [lobbyInvite(), lobbyInvite({ name: 'LOBBY INVITE' })] };
    expect(() => store.importFile(JSON.stringify(twice), { replaceExisting: true })).toThrow(
      /Preset 2 \("LOBBY INVITE"\), name: the same name as preset 1/,
    );
    const leaky = { format: 'handle-studio-presets', version: 1, presets: [lobbyInvite({ notes: 'Authorization: XBL3.0 x=99;eyJ.sig' })] };
    expect(() => store.importFile(JSON.stringify(leaky), { replaceExisting: true })).toThrow(/must not carry credentials/);
    expect(store.list()).toEqual([]);
  });

  it('answers the presets channels with outputs that pass the contract', async () => {
    const store = open();
    const handlers = createPresetHandlers({ presets: store });
    const created = presetChannels.createPreset.output.parse(
      await handlers.createPreset(presetChannels.createPreset.input.parse(lobbyInvite())),
    );
    const listed = presetChannels.listPresets.output.parse(await handlers.listPresets({}));
    expect(listed.presets.map((p) => p.id)).toEqual([created.id]);
    expect(listed.status.unsavedChanges).toBe(false);
    const exported = await handlers.exportPresets({});
    expect(presetChannels.previewPresetImport.output.parse(await handlers.previewPresetImport({ content: exported.content }))).toEqual({
      added: [],
      replaced: [],
      unchanged: ['Lobby invite'],
    });
    expect(await handlers.importPresets({ content: exported.content, replaceExisting: false })).toMatchObject({ updated: 0, unchanged: 1 });
    expect(presetChannels.createPreset.input.safeParse({ ...lobbyInvite(), secret: 'x' }).success).toBe(false);
    expect(existsSync(join(dir, 'presets.json'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('damaged'))).toEqual([]);
  });
});

describe('MPA presets in the store', () => {
  const ALICE = '2814679796296492';
  function squad(overrides: Record<string, unknown> = {}): PresetInput {
    return {
      service: 'mpa',
      name: 'Squad lobby',
      titleId: '0x4D2',
      activity: { connectionString: 'lobby:9f2c', joinRestriction: 'Followed', maxPlayers: 8, currentPlayers: 3, platform: 'Scarlett' },
      invite: { connectionString: 'lobby:9f2c', platform: 'Scarlett', allowCrossPlatformJoin: false },
      recipients: [{ label: 'Alice', xuid: ALICE }],
      notes: 'PlayFab lobby',
      ...overrides,
    } as PresetInput;
  }

  it('upgrades a presets.json written by the v2 build: every preset becomes MPSD, nothing lost, the original kept', () => {
    // Written by the store as it was before MPA presets (commit 2cabc6d), byte for byte.
    const v2Text = readFileSync(new URL('./presets-v2.fixture.json', import.meta.url), 'utf8');
    writeFileSync(join(dir, 'presets.json'), v2Text);
    const v2 = JSON.parse(v2Text) as { schemaVersion: number; presets: Record<string, unknown>[] };
    const store = open();
    expect(store.status()).toMatchObject({
      upgradedFrom: { version: 2, backupPath: join(dir, 'presets.json.before-v3') },
      unreadablePresets: 0,
    });
    expect(store.status().damagedFileMovedTo).toBeUndefined();
    const byId = new Map(store.list().map((preset) => [preset.id, preset]));
    expect(byId.size).toBe(2);
    for (const old of v2.presets) expect(byId.get(old['id'] as string)).toEqual({ service: 'mpsd', ...old });
    expect(readFileSync(join(dir, 'presets.json.before-v3'), 'utf8')).toBe(v2Text);
    const onDisk = JSON.parse(readFileSync(join(dir, 'presets.json'), 'utf8')) as { schemaVersion: number };
    expect(onDisk.schemaVersion).toBe(3);
    // Opening the upgraded file again is not another upgrade, and the presets are the same.
    const again = open();
    expect(again.status().upgradedFrom).toBeUndefined();
    expect(again.list()).toEqual(store.list());
  });

  it('keeps the readable presets of a v3 file with a damaged MPA preset, and sets the original aside', () => {
    const store = open();
    const good = store.create(squad());
    const kept = store.create(lobbyInvite());
    const onDisk = JSON.parse(readFileSync(join(dir, 'presets.json'), 'utf8')) as { presets: Record<string, unknown>[] };
    // A hand edit took maxPlayers past MPA's limit in one MPA preset.
    onDisk.presets.push({
      ...good,
      id: 'broken',
      name: 'Broken',
      activity: { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 500 },
    });
    const damagedText = JSON.stringify(onDisk);
    writeFileSync(join(dir, 'presets.json'), damagedText);
    const reopened = open();
    expect(reopened.status()).toMatchObject({ unreadablePresets: 1, damagedFileMovedTo: expect.stringContaining('presets.json.damaged-') });
    expect(readFileSync(reopened.status().damagedFileMovedTo ?? '', 'utf8')).toBe(damagedText);
    expect(
      reopened
        .list()
        .map((p) => p.id)
        .sort(),
    ).toEqual([good.id, kept.id].sort());
  });

  it('saves, reads back after a restart, searches and filters by service', () => {
    const store = open();
    const mpa = store.create(squad());
    const mpsd = store.create(lobbyInvite());
    expect(mpa).toMatchObject({ service: 'mpa', titleId: '0x4D2', invite: { platform: 'Scarlett' }, favourite: false });
    expect(open().get(mpa.id)).toEqual(JSON.parse(JSON.stringify(mpa)));
    expect(store.list({ service: 'mpa' }).map((p) => p.id)).toEqual([mpa.id]);
    expect(store.list({ service: 'mpsd' }).map((p) => p.id)).toEqual([mpsd.id]);
    expect(store.list({ search: '9F2C' }).map((p) => p.id)).toEqual([mpa.id]);
    // An edit may change the service: the preset is replaced whole, never half of each.
    const turned = store.update(mpa.id, lobbyInvite({ name: 'Squad lobby' }));
    expect(turned).toMatchObject({ service: 'mpsd', name: 'Squad lobby' });
    expect('activity' in turned).toBe(false);
  });

  it('refuses a bad MPA preset naming the field, and a token in a connection string', () => {
    const store = open();
    expect(() => store.create(squad({ activity: { connectionString: 'c', joinRestriction: 'Public', maxPlayers: 1 } }))).toThrow(
      /activity\.maxPlayers: maxPlayers must be at least 2/,
    );
    // The user's input, so VALIDATION naming the field (never the value), not the stores' INTERNAL.
    expect(() => store.create(squad({ invite: { connectionString: 'XBL3.0 x=1234;eyJhbGciOi.sig' } }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: { field: 'invite.connectionString' } }),
    );
    expect(store.list()).toEqual([]);
  });

  it('carries MPA presets through the team file: exported as version 2, imported unchanged into another data folder', () => {
    const store = open();
    store.create(squad({ profileId: 'p-1', favourite: true }));
    store.create(lobbyInvite());
    const text = store.exportFile();
    const file = JSON.parse(text) as { version: number; presets: Record<string, unknown>[] };
    expect(file.version).toBe(2);
    // Exactly the fields a person typed: no id, profile or favourite.
    expect(file.presets.find((p) => p['name'] === 'Squad lobby')).toEqual(squad());
    // An MPSD preset is written exactly as before (no service), so only files with MPA presets need the new version.
    expect(file.presets.find((p) => p['name'] === 'Lobby invite')).not.toHaveProperty('service');
    const mpsdOnly = store.list({ service: 'mpsd' }).map((preset) => preset.id);
    expect(JSON.parse(store.exportFile(mpsdOnly)).version).toBe(1);

    const other = mkdtempSync(join(tmpdir(), 'hs-presets-team-'));
    try {
      const teammate = open(other);
      expect(teammate.importFile(text, { replaceExisting: false })).toMatchObject({ added: 2 });
      const [imported] = teammate.list({ service: 'mpa' });
      expect(imported).toMatchObject({ ...squad(), favourite: false });
      expect(imported?.profileId).toBeUndefined();
      // Imported again, nothing changes.
      expect(teammate.previewImport(text)).toEqual({ added: [], replaced: [], unchanged: ['Squad lobby', 'Lobby invite'] });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('names the preset and the field of an unknown service or a bad MPA field in a team file, and imports nothing', () => {
    const store = open();
    const file = {
      format: 'handle-studio-presets',
      version: 2,
      presets: [
        { ...squad(), name: 'Too many seats', activity: { connectionString: 'c', joinRestriction: 'Public', currentPlayers: 101 } },
        { ...squad(), name: 'Spelled wrong', service: 'MPA' },
        { ...squad(), name: 'Long invite', invite: { connectionString: 'x'.repeat(300) } },
      ],
    };
    let thrown: { code?: string; message?: string } = {};
    try {
      store.importFile(JSON.stringify(file), { replaceExisting: true });
    } catch (error) {
      thrown = error as typeof thrown;
    }
    expect(thrown.code).toBe('VALIDATION');
    expect(thrown.message).toContain('Preset 1 ("Too many seats"), activity.currentPlayers: currentPlayers must be at most 100');
    expect(thrown.message).toContain(
      'Preset 2 ("Spelled wrong"), service: service must be mpsd (MPSD handles) or mpa (Multiplayer Activity); left out, it is mpsd. Fix the spelling, or remove the preset.',
    );
    expect(thrown.message).toContain('Preset 3 ("Long invite"), invite.connectionString: connectionString is at most 255 characters');
    expect(thrown.message).toMatch(/Nothing was imported\.$/);
    expect(store.list()).toEqual([]);
  });
});
