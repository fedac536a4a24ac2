/**
 * The team presets file from the command line (issue 13, item 6): a preset without notes
 * imports; import previews new / replaced / unchanged and replaces saved presets only with
 * --yes (exit 2 and nothing written otherwise); `export -` writes to standard output and a
 * file export names the absolute path. Real child processes over a real data folder.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

/** Where the fixture runs the CLI: the repository root. */
const cliCwd = fileURLToPath(new URL('../../', import.meta.url));
const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.remove());

/** A team file entry as someone writes it by hand: no notes. */
function handWritten(name: string, session: string, xuid = '2814679796296492') {
  return {
    name,
    sessionRef: { scid: SCID, templateName: 'GameSession', name: session },
    inviteAttributes: { titleId: '1234' },
    recipients: [{ label: '', xuid }],
    joinAndSetActivityFirst: false,
  };
}

function teamFile(presets: unknown[]): string {
  const path = join(data.path, 'team.json');
  writeFileSync(path, JSON.stringify({ format: 'handle-studio-presets', version: 1, presets }));
  return path;
}

async function savedPresets(): Promise<{ name: string; sessionRef: { name?: string }; notes: string; updatedAt: string }[]> {
  const run = await runCli(data.path, ['preset', 'list', '--json']);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { presets: { name: string; sessionRef: { name?: string }; notes: string; updatedAt: string }[] })
    .presets;
}

describe('preset import and export, from the command line', () => {
  it('imports presets written without notes, then previews and refuses to replace without --yes (exit 2, nothing changed)', async () => {
    const first = await runCli(data.path, [
      'preset',
      'import',
      teamFile([handWritten('Friday', 'lobby-1'), handWritten('Saturday', 'lobby-2')]),
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('2 new, 0 replaced, 0 unchanged');
    const before = await savedPresets();
    expect(before.map((preset) => [preset.name, preset.notes])).toEqual([
      ['Friday', ''],
      ['Saturday', ''],
    ]);

    // Friday changes session, Saturday stays as saved, Sunday is new.
    const changed = teamFile([handWritten('friday', 'lobby-9'), handWritten('Saturday', 'lobby-2'), handWritten('Sunday', 'lobby-3')]);
    const refused = await runCli(data.path, ['preset', 'import', changed]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('would replace 1 saved preset:');
    expect(refused.stderr).toContain('new (1): "Sunday"');
    expect(refused.stderr).toContain('replaced (1): "friday"');
    expect(refused.stderr).toContain('unchanged (1): "Saturday"');
    expect(refused.stderr).toContain('Run again with --yes');
    expect(await savedPresets()).toEqual(before);

    const asJson = await runCli(data.path, ['preset', 'import', changed, '--json']);
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      preview: { added: ['Sunday'], replaced: ['friday'], unchanged: ['Saturday'] },
    });
    expect(await savedPresets()).toEqual(before);

    const confirmed = await runCli(data.path, ['preset', 'import', changed, '--yes']);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('1 new, 1 replaced, 1 unchanged');
    const after = await savedPresets();
    expect(after.map((preset) => [preset.name, preset.sessionRef.name])).toEqual([
      ['friday', 'lobby-9'],
      ['Saturday', 'lobby-2'],
      ['Sunday', 'lobby-3'],
    ]);
    // Unchanged means untouched: the saved preset keeps its time.
    expect(after.find((preset) => preset.name === 'Saturday')?.updatedAt).toBe(
      before.find((preset) => preset.name === 'Saturday')?.updatedAt,
    );
  });

  it('a file with one bad preset imports nothing, even with --yes', async () => {
    await runCli(data.path, ['preset', 'import', teamFile([handWritten('Friday', 'lobby-1')])]);
    const before = await savedPresets();
    const run = await runCli(data.path, [
      'preset',
      'import',
      teamFile([handWritten('Friday', 'lobby-9'), handWritten('Broken', 'lobby-2', '12x')]),
      '--yes',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Preset 2 ("Broken")');
    expect(run.stderr).toContain('Nothing was imported');
    expect(await savedPresets()).toEqual(before);
  });

  it('carries an MPA preset from one data folder to another through the team file', async () => {
    const saved = await runCli(data.path, [
      'preset',
      'save',
      'Squad',
      '--service',
      'mpa',
      '--title-id',
      '0x4D2',
      '--connection',
      'lobby:9f2c',
      '--join-restriction',
      'Followed',
      '--platform',
      'Scarlett',
      '--to',
      '2814679796296492=Alice',
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    const exported = await runCli(data.path, ['preset', 'export', '-']);
    expect(JSON.parse(exported.stdout)).toMatchObject({ version: 2, presets: [{ service: 'mpa', name: 'Squad' }] });

    const teammate = tempDataDir();
    try {
      const file = join(teammate.path, 'team.json');
      writeFileSync(file, exported.stdout);
      const imported = await runCli(teammate.path, ['preset', 'import', file]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('1 new');
      const shown = await runCli(teammate.path, ['preset', 'show', 'Squad', '--json']);
      const mine = await runCli(data.path, ['preset', 'show', 'Squad', '--json']);
      const withoutIds = (text: string) => {
        const { id: _id, updatedAt: _at, ...rest } = (JSON.parse(text) as { preset: Record<string, unknown> }).preset;
        return rest;
      };
      expect(withoutIds(shown.stdout)).toEqual(withoutIds(mine.stdout));
      expect(withoutIds(shown.stdout)).toMatchObject({
        service: 'mpa',
        activity: { platform: 'Scarlett', allowCrossPlatformJoin: false },
        invite: { connectionString: 'lobby:9f2c', platform: 'Scarlett' },
      });
    } finally {
      teammate.remove();
    }
  });

  it('export - writes the file to standard output and creates no file named "-"; export FILE names the absolute path', async () => {
    await runCli(data.path, ['preset', 'import', teamFile([handWritten('Friday', 'lobby-1')])]);
    const toStdout = await runCli(data.path, ['preset', 'export', '-']);
    expect(toStdout.code).toBe(0);
    expect(JSON.parse(toStdout.stdout)).toMatchObject({ format: 'handle-studio-presets', presets: [{ name: 'Friday' }] });
    expect(existsSync(join(cliCwd, '-'))).toBe(false);

    // A relative path is written where the command runs (the repository root) and reported whole.
    const relative = `preset-export-${process.pid}-${Date.now()}.json`;
    const absolute = join(cliCwd, relative);
    try {
      const toFile = await runCli(data.path, ['preset', 'export', relative]);
      expect(toFile.code).toBe(0);
      expect(toFile.stdout.trim()).toBe(`Wrote 1 preset to ${absolute}.`);
      expect(JSON.parse(readFileSync(absolute, 'utf8'))).toEqual(JSON.parse(toStdout.stdout));
    } finally {
      rmSync(absolute, { force: true });
    }
  });
});
