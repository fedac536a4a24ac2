/**
 * A history.sqlite with entries, closed cleanly, and a way to damage it as a disk or a stray
 * tool would: every page after the first (the header and schema) overwritten, so SQLite opens
 * the file without complaint and only a read of the data, or quick_check, finds the damage.
 */
import { closeSync, openSync, statSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORY_FILE_NAME } from '../history/history-store.ts';
import { fillHistory, sampleInvite } from '../history/sample-history.fixture.ts';

const PAGE = 4096;

/** Fills `dataDir`'s history with `entries` entries and closes it cleanly. */
export function historyClosedCleanly(dataDir: string, entries = 200): void {
  fillHistory(dataDir, entries, (n) =>
    sampleInvite(n, {
      response: { status: 201, headers: {}, body: `{"id":"handle-${n}","padding":"${'x'.repeat(300)}"}` },
      correlationId: undefined,
    }),
  );
}

/**
 * Overwrites every page but the first, then sets the modification time back to what it was
 * (as a copy that keeps times would): only the change time and the bytes tell.
 */
export function damageHistoryPages(dataDir: string): void {
  const path = join(dataDir, HISTORY_FILE_NAME);
  const before = statSync(path);
  const fd = openSync(path, 'r+');
  try {
    for (let offset = PAGE; offset < before.size; offset += PAGE) writeSync(fd, Buffer.alloc(PAGE, 0x5a), 0, PAGE, offset);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, before.atime, before.mtime);
}
