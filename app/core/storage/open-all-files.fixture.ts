/**
 * Run by fresh-folder-at-once.test.ts as separate Node processes started together on one
 * fresh data folder, as parallel CLI commands are: `node open-all-files.fixture.ts <dataDir>`
 * prints `ready`, waits for a line on stdin, then opens every SQLite file the app creates
 * (history, the outbox with drafts, the shared rate budget) and prints `opened`; any
 * failure: its message on stderr and exit 1.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../clock.ts';
import { openDraftsStore } from '../drafts/drafts-store.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { openSharedRateBudgets } from '../mpsd/shared-rate-budget.ts';
import { openOutboxFile } from '../outbox/outbox-file.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write('usage: open-all-files.fixture.ts <dataDir>\n');
  process.exit(2);
}

process.stdout.write('ready\n');
createInterface({ input: process.stdin }).once('line', () => {
  try {
    openHistoryStore({ dataDir }).close();
    openOutboxFile(dataDir, 'FULL').close();
    openDraftsStore({ dataDir }).close();
    // The budget opens its file at its first use, and falls back to memory (saying why) when it cannot.
    const fallbacks: string[] = [];
    const budgets = openSharedRateBudgets({ dataDir, clock: systemClock, onFallback: (message) => fallbacks.push(message) });
    budgets.budgetFor('profile-1').backOffUntil(Date.now() + 1_000);
    budgets.close();
    if (fallbacks.length > 0) throw new Error(fallbacks.join('\n'));
    process.stdout.write('opened\n');
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
});
