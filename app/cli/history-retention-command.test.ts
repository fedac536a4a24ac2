/**
 * `handle-studio history retention` as a script runs it: history filled by real sends to a
 * local MPSD, a rule that prunes it, and the rule read back by a later process.
 */
import { expect, it } from 'vitest';
import { sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const session = sessionFlags('lobby-7');
const world = useCliWorld({ mpsd: true });
const cli = (args: string[]) => world.cli(args, { env: { XBL_AUTHORIZATION: world.mpsd.users[0]!.authorization } });

async function historyIds(): Promise<string[]> {
  const run = await cli(['history', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { entries: { id: string }[] }).entries.map((entry) => entry.id);
}

it('keeps the newest N entries, says how many it removed, and the rule holds in the next process', async () => {
  const { mpsd } = world;
  const [me, alice, bob] = mpsd.users;
  const join = await cli(['session', 'join', ...session, '--xuid', me!.xuid, '--endpoint', mpsd.url]);
  expect(join.code, join.stderr).toBe(0);
  const invite = await cli([
    'invite',
    'send',
    ...session,
    '--title-id',
    '1234',
    '--to',
    alice!.xuid,
    '--to',
    bob!.xuid,
    '--endpoint',
    mpsd.url,
  ]);
  expect(invite.code, invite.stderr).toBe(0);
  const before = await historyIds();
  expect(before).toHaveLength(3);

  const unset = await cli(['history', 'retention']);
  expect(unset.stdout).toBe('Keeping all entries.\n');

  const set = await cli(['history', 'retention', '--max-entries', '1']);
  expect(set.code, set.stderr).toBe(0);
  expect(set.stdout).toBe('Keeping the newest entry.\nRemoved 2 entries beyond the newest 1.\n');
  expect(await historyIds()).toEqual(before.slice(0, 1));

  const readBack = await cli(['history', 'retention', '--json']);
  expect(JSON.parse(readBack.stdout)).toEqual({ ok: true, retention: { maxEntries: 1 } });

  const off = await cli(['history', 'retention', '--off', '--json']);
  expect(JSON.parse(off.stdout)).toEqual({ ok: true, retention: {}, removed: 0 });
});

it('refuses a limit it cannot keep with exit 3, naming the flag, and leaves the rule as it was', async () => {
  await cli(['history', 'retention', '--max-age-days', '30']);

  const zero = await cli(['history', 'retention', '--max-entries', '0']);
  expect(zero.code).toBe(3);
  expect(zero.stderr).toContain('--max-entries: Keep at least 1 entry');

  const words = await cli(['history', 'retention', '--max-age-days', 'ninety', '--json']);
  expect(words.code).toBe(3);
  expect(JSON.parse(words.stdout)).toMatchObject({
    ok: false,
    exitCode: 3,
    error: { code: 'VALIDATION', message: '--max-age-days: Keep-for must be a whole number of days.' },
  });

  const both = await cli(['history', 'retention', '--off', '--max-entries', '10']);
  expect(both.code).toBe(3);
  expect(both.stderr).toContain('--off keeps every entry: leave out --max-entries');

  expect((await cli(['history', 'retention'])).stdout).toBe('Keeping 30 days.\n');
});
