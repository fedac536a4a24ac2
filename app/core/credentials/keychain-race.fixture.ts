/**
 * One side of a race between two processes over the same keychain entry (see
 * keychain-helper.test.ts). Test-only; run inside a private Secret Service.
 *
 * `writer <service> <profileId> <rounds>`: stores a token `rounds` times, alternating a
 * 1,500- and a 2,700-character one, so the number of pieces changes with every write.
 * `reader <service> <profileId> <rounds>`: reads it `rounds` times and prints what it saw.
 */
import { HandleStudioError } from '../../shared/errors.ts';
import { openKeychainVault } from './keychain-vault.ts';
import { readStoredToken, writeStoredToken } from './stored-token.ts';

const [mode, service, profileId, roundsText] = process.argv.slice(2) as [string, string, string, string];
const rounds = Number(roundsText);
/**
 * Opening lists the service's entries, and a listing while the writer deletes old pieces is
 * what keytar cannot do (its helper may crash: KEYCHAIN_UNAVAILABLE, and the next call starts a
 * new one). The reader starts while the writer runs, so its open is retried; what is tested is
 * its reads, which are never retried.
 */
async function openVault(): Promise<Awaited<ReturnType<typeof openKeychainVault>>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await openKeychainVault({ service, timeoutMs: 20_000 });
    } catch (error) {
      const listingFailed = error instanceof HandleStudioError && error.code === 'KEYCHAIN_UNAVAILABLE';
      if (mode !== 'reader' || !listingFailed || attempt === 5) throw error;
    }
  }
}
const vault = await openVault();

if (mode === 'writer') {
  for (let round = 0; round < rounds; round += 1) {
    const token = (round % 2 === 0 ? 'a' : 'b').repeat(round % 2 === 0 ? 1500 : 2700);
    await writeStoredToken(vault, profileId, { v: 1, source: 'pasted', uhs: `uhs${round}`, token });
  }
  process.stdout.write(`${JSON.stringify({ step: 'writer', ok: true, rounds })}\n`);
} else {
  const seen = { tokens: 0, none: 0, errors: [] as string[], mixed: 0 };
  for (let round = 0; round < rounds; round += 1) {
    try {
      const stored = await readStoredToken(vault, profileId);
      if (stored === null) seen.none += 1;
      else if (!/^(a{1500}|b{2700})$/.test(stored.token)) seen.mixed += 1;
      else seen.tokens += 1;
    } catch (error) {
      seen.errors.push(error instanceof HandleStudioError ? `${error.code}: ${error.message}` : String(error));
    }
  }
  // Only once the writer is done: listing while it deletes old pieces is what keytar cannot do
  // (the listing itself fails), and the reader's promise is about reads, not listings.
  const keys = mode === 'after' ? { keys: (await vault.keys('')).length } : {};
  process.stdout.write(`${JSON.stringify({ step: mode, ok: true, ...seen, ...keys })}\n`);
}
