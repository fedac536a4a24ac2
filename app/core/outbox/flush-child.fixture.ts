/**
 * Run by outbox-crash.test.ts as a separate Node process that the test kills with SIGKILL
 * in the middle of a flush: `node flush-child.fixture.ts <dataDir> <serverUrl>`.
 * Each item is delivered as a POST of its id to the loopback server, which counts them.
 */
import * as z from '../../shared/zod.ts';
import { openOutboxStore } from './outbox-store.ts';

const [dataDir, serverUrl] = process.argv.slice(2);
if (!dataDir || !serverUrl) {
  process.stderr.write('usage: flush-child.fixture.ts <dataDir> <serverUrl>\n');
  process.exit(2);
}

const outbox = openOutboxStore({ dataDir, requestSchema: z.unknown() });
process.stdout.write(`ready ${outbox.counts().queued}\n`);
await outbox.flush({
  deliver: async (item) => {
    const response = await fetch(serverUrl, { method: 'POST', body: JSON.stringify({ itemId: item.id }) });
    const answer = (await response.json()) as { handleId: string };
    return { result: 'sent', handleId: answer.handleId };
  },
});
outbox.close();
