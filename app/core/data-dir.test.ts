import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir.ts';

describe('resolveDataDir', () => {
  it('uses HANDLE_STUDIO_DATA_DIR when it is set', () => {
    expect(resolveDataDir({ HANDLE_STUDIO_DATA_DIR: '/tmp/hs-test' }, 'linux')).toBe('/tmp/hs-test');
  });

  it('follows Electron\'s per-OS user data roots otherwise', () => {
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\dev\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Handle Studio$/);
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/home/dev/.config' }, 'linux')).toBe('/home/dev/.config/Handle Studio');
    expect(resolveDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Handle Studio$/);
  });

  it('ignores a blank override rather than writing to the current folder', () => {
    expect(resolveDataDir({ HANDLE_STUDIO_DATA_DIR: '  ', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Handle Studio');
  });
});
