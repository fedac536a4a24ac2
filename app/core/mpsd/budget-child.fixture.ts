/**
 * Run by shared-rate-budget.test.ts as a separate Node process sharing one data folder:
 * `node budget-child.fixture.ts <dataDir> take <count>` takes `count` slots of the budget
 * "profile-1" (10 per hour), printing `granted`, `throttled <retryAt>` or `cancelled` (on
 * SIGINT, as Ctrl+C would) for each, then waits for SIGINT; `... pause <ms>` records a Retry-After pause and exits.
 */
import { systemClock } from '../clock.ts';
import { toAppError } from '../../shared/errors.ts';
import { openSharedRateBudgets } from './shared-rate-budget.ts';

const [dataDir, mode, amount] = process.argv.slice(2);
const count = Number(amount);
if (!dataDir || (mode !== 'take' && mode !== 'pause') || !Number.isInteger(count)) {
  process.stderr.write('usage: budget-child.fixture.ts <dataDir> take <count> | pause <ms>\n');
  process.exit(2);
}

const budgets = openSharedRateBudgets({
  dataDir,
  clock: systemClock,
  windows: [{ limit: 10, windowMs: 3_600_000 }],
  safetyMarginMs: 0,
  onFallback: (message) => process.stdout.write(`fallback ${message}\n`),
});
const budget = budgets.budgetFor('profile-1');

if (mode === 'pause') {
  budget.backOffUntil(Date.now() + count);
  process.stdout.write('paused\n');
} else {
  const controller = new AbortController();
  // Alive until told to stop, so the test's SIGINT never races this process's own exit.
  const keepAlive = setInterval(() => undefined, 60_000);
  process.on('SIGINT', () => {
    clearInterval(keepAlive);
    controller.abort();
  });
  process.stdout.write('ready\n');
  for (let taken = 0; taken < count; taken += 1) {
    try {
      await budget.take(controller.signal);
      process.stdout.write('granted\n');
    } catch (thrown) {
      const error = toAppError(thrown);
      process.stdout.write(error.code === 'THROTTLED' ? `throttled ${String(error.details?.retryAt)}\n` : `${error.code.toLowerCase()}\n`);
      if (error.code !== 'THROTTLED') break;
    }
  }
}
budgets.close();
