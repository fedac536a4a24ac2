import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDataDir, resolveDataDir } from './data-dir.ts';

describe('resolveDataDir', () => {
  it('uses HANDLE_STUDIO_DATA_DIR when it is set', () => {
    expect(resolveDataDir({ HANDLE_STUDIO_DATA_DIR: '/tmp/hs-test' }, 'linux')).toBe('/tmp/hs-test');
  });

  it("follows Electron's per-OS user data roots otherwise", () => {
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\dev\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Handle Studio$/);
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/home/dev/.config' }, 'linux')).toBe('/home/dev/.config/Handle Studio');
    expect(resolveDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Handle Studio$/);
  });

  it('ignores a blank override rather than writing to the current folder', () => {
    expect(resolveDataDir({ HANDLE_STUDIO_DATA_DIR: '  ', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Handle Studio');
  });
});

describe('ensureDataDir', () => {
  it('creates the folder, and says what is wrong when a file is in the way (never INTERNAL)', () => {
    const root = mkdtempSync(join(tmpdir(), 'handle-studio-data-dir-'));
    try {
      ensureDataDir(join(root, 'a', 'b'));
      expect(statSync(join(root, 'a', 'b')).isDirectory()).toBe(true);

      const file = join(root, 'data');
      writeFileSync(file, 'a file, not a folder');
      expect(() => ensureDataDir(file)).toThrow(
        expect.objectContaining({
          code: 'STORAGE',
          message: expect.stringMatching(/data folder .*data is a file, not a folder: move that file away/),
        }),
      );
      expect(() => ensureDataDir(join(file, 'inside'))).toThrow(
        expect.objectContaining({
          code: 'STORAGE',
          message: expect.stringMatching(/is not a folder \(a file is in the way on its path\)/),
        }),
      );
      expect(readFileSync(file, 'utf8')).toBe('a file, not a folder');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
