/**
 * Run by mpa-invite-crash.test.ts as a separate Node process that the test kills with SIGKILL
 * while MPA holds its invite call: `node mpa-invite-child.fixture.ts <dataDir> <endpoint> <requestJson>`.
 * It opens the history and outbox files of the data folder and sends the invite call as a
 * profile whose token comes from MPA_TEST_AUTHORIZATION (never the command line).
 */
import { systemClock } from '../clock.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { openOutboxStore } from '../outbox/outbox-store.ts';
import { storedWireRequestSchema } from '../requests/wire-request-schema.ts';
import { openMpaBudgets } from './mpa-budgets.ts';
import { devProfileSender, fixedAuthorization } from './mpa-sender.fixture.ts';

const [dataDir, endpoint, requestJson] = process.argv.slice(2);
const authorization = process.env['MPA_TEST_AUTHORIZATION'];
if (!dataDir || !endpoint || !requestJson || !authorization) {
  process.stderr.write('usage: MPA_TEST_AUTHORIZATION=... mpa-invite-child.fixture.ts <dataDir> <endpoint> <requestJson>\n');
  process.exit(2);
}
const history = openHistoryStore({ dataDir });
const outbox = openOutboxStore({ dataDir, requestSchema: storedWireRequestSchema });
const budgets = openMpaBudgets({ dataDir, clock: systemClock, onFallback: (message) => process.stderr.write(`${message}\n`) });
const mpa = devProfileSender({ history, outbox, budgets }, () => endpoint, fixedAuthorization(authorization));
process.stdout.write('sending\n');
const result = await mpa.send({ request: JSON.parse(requestJson) });
process.stdout.write(`finished ${JSON.stringify(result.error ?? 'ok')}\n`);
budgets.close();
outbox.close();
history.close();
