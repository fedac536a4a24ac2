/**
 * What identifies a file's exact bytes on disk without reading them: any write changes its
 * size, mtime or ctime (ctime cannot be set back), and an atomic replace (temp file + rename)
 * its inode. For telling whether a file changed since it was last read, by us or anyone.
 */
import { statSync, type Stats } from 'node:fs';

export function fingerprint(stat: Stats): string {
  return JSON.stringify([stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs]);
}

/** The file's fingerprint now; 'missing' when there is no file, the error's code when it cannot be looked at. */
export function fingerprintOfFile(path: string): string {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat === undefined ? 'missing' : fingerprint(stat);
  } catch (error) {
    return `unknown: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}
