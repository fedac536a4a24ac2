/**
 * Run by send-crash.test.ts as a separate Node process that the test kills with SIGKILL in
 * the middle of a fan-out: `node fan-out-child.fixture.ts <dataDir> <vaultFile> <requestJson>`.
 * It opens Handle Studio on the data folder and sends the invite request with the active profile.
 */
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from './file-vault.fixture.ts';

const [dataDir, vaultFile, requestJson] = process.argv.slice(2);
if (!dataDir || !vaultFile || !requestJson) {
  process.stderr.write('usage: fan-out-child.fixture.ts <dataDir> <vaultFile> <requestJson>\n');
  process.exit(2);
}
const studio = await openTestStudio(dataDir, fileVault(vaultFile));
process.stdout.write('sending\n');
const result = await studio.dispatch('sendRequest', { runId: 'crash-run', request: JSON.parse(requestJson) });
process.stdout.write(`finished ${JSON.stringify(result).slice(0, 200)}\n`);
await studio.close();
