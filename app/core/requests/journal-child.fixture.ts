/**
 * Run by invite-journal.test.ts as a separate Node process that the test kills with SIGKILL:
 * `node journal-child.fixture.ts <dataDir> <wiresJson>`. It journals the invites of a live
 * send in the data folder's outbox; the first is answered at once, the second never is: the
 * process prints "in flight <xuid>" and waits for the kill with that invite out.
 */
import * as z from '../../shared/zod.ts';
import type { MpsdExchange, WireRequest } from '../../shared/mpsd/wire.ts';
import { openOutboxStore } from '../outbox/outbox-store.ts';
import { openInviteJournal } from './invite-journal.ts';

const [dataDir, wiresJson] = process.argv.slice(2);
if (!dataDir || !wiresJson) {
  process.stderr.write('usage: journal-child.fixture.ts <dataDir> <wiresJson>\n');
  process.exit(2);
}
const wires = JSON.parse(wiresJson) as WireRequest[];
const outbox = openOutboxStore({ dataDir, requestSchema: z.unknown() });
const journal = openInviteJournal({
  outbox,
  profileId: 'p1',
  wires,
  labels: undefined,
  target: { endpoint: 'https://sessiondirectory.xboxlive.com', contractVersion: 107, locale: 'en-US' },
  // A write that fails here fails the test: nothing to keep aside.
  keep: (_what, work) => {
    work();
    return true;
  },
});
const client = journal.guard({
  send(wire) {
    if (wire.invitedXuid === wires[0]?.invitedXuid) {
      const answered: MpsdExchange = {
        kind: wire.kind,
        request: { method: 'POST', url: 'https://sessiondirectory.xboxlive.com/handles', headers: {}, body: '' },
        invitedXuid: wire.invitedXuid,
        startedAt: new Date().toISOString(),
        durationMs: 1,
        handleId: `handle-${wire.invitedXuid}`,
        response: { status: 201, headers: {}, body: '{}' },
      };
      return Promise.resolve(answered);
    }
    process.stdout.write(`in flight ${wire.invitedXuid ?? ''}\n`);
    // Never answered: the process stays alive with this invite out until it is killed.
    setInterval(() => {}, 60_000);
    return new Promise<MpsdExchange>(() => {});
  },
});
for (const wire of wires) await client.send(wire);
