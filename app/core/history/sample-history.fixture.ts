/**
 * History as tests fill it: the n-th of a run of invites, one second after the one before,
 * its Authorization the placeholder history stores. Test-only.
 */
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import type { HistoryEntryInput } from './history-entry.ts';
import { openHistoryStore } from './history-store.ts';

export function sampleInvite(n: number, overrides: Partial<HistoryEntryInput> = {}): HistoryEntryInput {
  return {
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
    response: { status: 201, headers: {}, body: `{"id":"handle-${n}"}` },
    correlationId: `corr-${n}`,
    durationMs: 12,
    ...overrides,
  };
}

/** Appends entries 0 to count-1 (`entry(n)`, a sample invite unless given) to `dataDir`'s history and closes it cleanly. */
export function fillHistory(dataDir: string, count: number, entry: (n: number) => HistoryEntryInput = sampleInvite): void {
  const history = openHistoryStore({ dataDir });
  for (let n = 0; n < count; n++) history.append(entry(n));
  history.close();
}
