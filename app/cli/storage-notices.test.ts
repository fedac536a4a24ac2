/**
 * The CLI says what it set aside and where, on stderr, at the start of every command that
 * opens the data folder; and a newer build's profiles file is shown, never rewritten.
 * Real child processes over real damaged files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.remove());

describe('damaged and newer data files, from the command line', () => {
  it('a truncated profiles.json and damaged history.sqlite and outbox.sqlite are named on stderr with where they were kept', async () => {
    writeFileSync(join(data.path, 'profiles.json'), '{"schemaVersion":1,"activeProfileId":null,"profiles":[{"name":"Dev');
    writeFileSync(join(data.path, 'history.sqlite'), Buffer.alloc(8192, 0x5a));
    writeFileSync(join(data.path, 'outbox.sqlite'), Buffer.alloc(8192, 0x33));

    const run = await runCli(data.path, ['outbox', 'list']);
    const kept = readdirSync(data.path)
      .filter((name) => name.includes('.damaged-'))
      .sort();
    expect(kept).toEqual([
      expect.stringMatching(/^history\.sqlite\.damaged-/),
      expect.stringMatching(/^outbox\.sqlite\.damaged-/),
      expect.stringMatching(/^profiles\.json\.damaged-/),
    ]);
    expect(run.stderr).toMatch(
      /handle-studio: warning: The outbox database was damaged[\s\S]*queued invites and drafts in it, was kept as/,
    );
    for (const name of kept) expect(run.stderr).toContain(join(data.path, name));
    expect(run.stderr).toMatch(/handle-studio: warning: The profiles file could not be read/);
    expect(run.stderr).toMatch(/handle-studio: warning: The history database was damaged/);
    expect(readFileSync(join(data.path, kept[0]!))).toEqual(Buffer.alloc(8192, 0x5a));

    // Said once, when it happened: the next command finds clean files.
    const next = await runCli(data.path, ['history']);
    expect(next.stderr).not.toMatch(/warning/);
  });

  it('a profiles.json from a newer Handle Studio is listed read-only, warned about on every command, and never rewritten', async () => {
    const id = crypto.randomUUID();
    const newer = JSON.stringify({
      schemaVersion: 2,
      activeProfileId: id,
      profiles: [{ id, name: 'From v2', environment: 'production', sandboxId: 'XDKS.1', colour: 'teal' }],
    });
    const path = join(data.path, 'profiles.json');
    writeFileSync(path, newer);

    const listed = await runCli(data.path, ['profile', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('From v2');
    expect(listed.stderr).toMatch(/warning: The profiles file was written by a newer Handle Studio \(schema 2[\s\S]*read-only/);

    const added = await runCli(data.path, ['profile', 'add', 'local', '--endpoint', 'http://127.0.0.1:9', '--sandbox', 'XDKS.1']);
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(/update Handle Studio to change profiles\. \[STORAGE\]/);
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(readdirSync(data.path).filter((name) => name.startsWith('profiles'))).toEqual(['profiles.json']);
  });
});
