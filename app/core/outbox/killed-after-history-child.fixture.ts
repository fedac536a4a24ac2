/**
 * Run by killed-after-history.test.ts as a separate Node process that kills itself with SIGKILL
 * the moment History has an invite's row: the row is committed, the outbox item's settle (the
 * journal's, or the flush's) is not, which is where a kill gave one invite two History rows.
 *
 *   node killed-after-history-child.fixture.ts <dataDir> <vaultFile> send <requestJson>
 *     sends the invite request live with the active profile (MPSD's journal);
 *   TEST_AUTHORIZATION=... node killed-after-history-child.fixture.ts <dataDir> <vaultFile> flush <profileId>
 *     pastes the token (from the environment, never the command line) and flushes the outbox.
 *
 * It prints "not killed" if it gets to the end, which the test reports.
 */
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from '../requests/file-vault.fixture.ts';

const [dataDir, vaultFile, mode, argument] = process.argv.slice(2);
const authorization = process.env['TEST_AUTHORIZATION'];
if (!dataDir || !vaultFile || !argument || (mode !== 'send' && mode !== 'flush') || (mode === 'flush' && !authorization)) {
  process.stderr.write('usage: killed-after-history-child.fixture.ts <dataDir> <vaultFile> send <requestJson> | flush <profileId>\n');
  process.exit(2);
}
const studio = await openTestStudio(dataDir, fileVault(vaultFile));
// History tells its listeners inside append, after the row's commit and before append returns to the sender.
studio.events.subscribe((name, payload) => {
  const kind = (payload as { kind?: string }).kind;
  if (name === 'historyAppended' && (kind === 'invite.send' || kind === 'mpa.invite.send')) process.kill(process.pid, 'SIGKILL');
});
if (mode === 'send') {
  await studio.dispatch('sendRequest', { runId: 'killed-after-history', request: JSON.parse(argument) });
} else {
  // The pasted token pokes the background flusher, which may start first: then this flush is refused (CONFLICT) and that one sends.
  await studio.dispatch('pasteToken', { profileId: argument, authorization });
  await studio.dispatch('flushOutbox', {});
}
await studio.close();
process.stdout.write('not killed\n');
