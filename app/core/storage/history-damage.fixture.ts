/**
 * A history.sqlite with entries, closed cleanly, and a way to damage it as a disk or a stray
 * tool would: every page after the first (the header and schema) overwritten, so SQLite opens
 * the file without complaint and only a read of the data, or quick_check, finds the damage.
 */
import { closeSync, openSync, statSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORY_FILE_NAME, openHistoryStore } from '../history/history-store.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';

const PAGE = 4096;

/** Fills `dataDir`'s history with `entries` entries and closes it cleanly. */
export function historyClosedCleanly(dataDir: string, entries = 200): void {
  const store = openHistoryStore({ dataDir });
  for (let n = 0; n < entries; n++) {
    store.append({
      at: new Date(Date.parse('2026-03-01T12:00:00Z') + n * 1000).toISOString(),
      profileId: 'p1',
      profileName: 'Dev',
      sandbox: 'XDKS.1',
      kind: 'invite.send',
      invitedXuid: String(2814679796296400 + n),
      request: {
        method: 'POST',
        url: 'https://sessiondirectory.xboxlive.com/handles',
        headers: { Authorization: AUTHORIZATION_PLACEHOLDER },
      },
      response: { status: 201, headers: {}, body: `{"id":"handle-${n}","padding":"${'x'.repeat(300)}"}` },
      durationMs: 12,
    });
  }
  store.close();
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
