/**
 * A SecretVault kept in a JSON file, for tests that hand a profile's token from one process to
 * another (a child that is killed, a parent that carries on). Test-only: the app itself keeps
 * secrets in the OS keychain or in memory, never in a file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SecretVault } from '../ports.ts';

export function fileVault(path: string): SecretVault {
  const read = (): Record<string, string> => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {});
  const write = (entries: Record<string, string>) => writeFileSync(path, JSON.stringify(entries));
  return {
    kind: 'memory',
    get: async (key) => read()[key] ?? null,
    set: async (key, secret) => write({ ...read(), [key]: secret }),
    delete: async (key) => {
      const entries = read();
      const had = key in entries;
      delete entries[key];
      write(entries);
      return had;
    },
    keys: async (prefix) => Object.keys(read()).filter((key) => key.startsWith(prefix)),
  };
}
