/**
 * Run by interrupted-once.test.ts as a separate Node process: `node reclaim-child.fixture.ts <dataDir>`.
 * It opens the data folder's history and outbox as core does (the outbox tells interrupted-history.ts
 * the items it marks), and at the outbox's fault point, with the rows of a gone sender read and
 * none marked yet, prints "read <id>" and waits for a line on stdin before going on. So a test
 * can hold two processes there at once, both having read the abandoned row, then let them write.
 * At the end it prints one JSON line: the items it was told, and what the store found at open.
 */
import { readSync } from 'node:fs';
import * as z from '../../shared/zod.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { recordInterrupted } from './interrupted-history.ts';
import { openOutboxStore } from './outbox-store.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write('usage: reclaim-child.fixture.ts <dataDir>\n');
  process.exit(2);
}
const history = openHistoryStore({ dataDir });
const told: string[] = [];
let unwritten: string | undefined;
const outbox = openOutboxStore({
  dataDir,
  requestSchema: z.unknown(),
  onInterrupted: (items) => {
    told.push(...items.map((item) => item.id));
    unwritten = recordInterrupted(history, items, () => undefined);
  },
  beforeMarkingAbandoned: (id) => {
    process.stdout.write(`read ${id}\n`);
    // Blocks this process (stdin is a pipe the test holds) until the test writes a line.
    readSync(0, Buffer.alloc(64));
  },
});
process.stdout.write(`${JSON.stringify({ told, unwritten, status: outbox.status })}\n`);
outbox.close();
history.close();
