/**
 * Run by interrupted-history.test.ts as a separate Node process that opens Handle Studio on a
 * data folder and closes it: `node open-child.fixture.ts <dataDir> <vaultFile>`. Two at once are
 * two processes finding the same abandoned outbox rows at open.
 */
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from '../requests/file-vault.fixture.ts';

const [dataDir, vaultFile] = process.argv.slice(2);
if (!dataDir || !vaultFile) {
  process.stderr.write('usage: open-child.fixture.ts <dataDir> <vaultFile>\n');
  process.exit(2);
}
const studio = await openTestStudio(dataDir, fileVault(vaultFile));
process.stdout.write(`${JSON.stringify(studio.notices.map((notice) => notice.message))}\n`);
await studio.close();
