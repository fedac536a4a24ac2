/**
 * The words for a wrong `history` flag name the flag and what it takes: a --limit past 500 is not
 * "not a whole number", and a wrong --kind or --status is not `kinds.0` or `status` (the
 * channel's field names, which no user typed).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.remove());

it.each([
  [['history', '--limit', '999999999'], /--limit must be from 1 to 500 \(got 999999999\)\./],
  [['history', '--limit', '0'], /--limit must be from 1 to 500 \(got 0\)\./],
  [['history', '--limit', 'lots'], /--limit must be a whole number, e\.g\. --limit 50\./],
  [['outbox', 'list', '--limit', '5000'], /--limit must be from 1 to 1000 \(got 5000\)\./],
  [['history', '--kind', 'bogus'], /--kind "bogus" is not one of: activity\.set, .*mpa\.recentPlayers\.update\./],
  [['history', '--kind', 'invite.send', '--kind', 'bogus'], /--kind "bogus" is not one of: /],
  [['history', '--status', 'weird'], /--status "weird" is not one of: ok, error, outcome-unknown\./],
  [['history', 'export', '-', '--status', 'weird'], /--status "weird" is not one of: ok, error, outcome-unknown\./],
])("%j is refused in the flag's words", async (args, words) => {
  const run = await runCli(data.path, args);
  expect(run.code).toBe(3);
  expect(run.stderr).toMatch(words);
  expect(run.stderr).not.toMatch(/kinds\.0|status:/);
});
