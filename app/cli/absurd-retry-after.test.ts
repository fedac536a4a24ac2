/**
 * A 429 whose Retry-After lies past what a Date holds (`99999999999999` seconds, the year 9999),
 * as a reviewer's fake server sent it: the CLI once ended such a send with "Invalid time value
 * [INTERNAL]", no line per invitee and no History row, and stored the pause in a form that broke
 * every later send. It must read like any other long pause: THROTTLED with a time a person can read.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, it } from 'vitest';
import { RATE_BUDGET_FILE } from '../core/mpsd/shared-rate-budget.ts';
import { runCli } from './cli-process.fixture.ts';
import { sessionFlags, useScriptedMpsd } from './cli-world.fixture.ts';

const AUTH = 'XBL3.0 x=4455;eyJ.absurd-retry-after-secret';
const DAY_MS = 24 * 60 * 60 * 1000;

const scriptedMpsd = useScriptedMpsd();

function throttlingMpsd(retryAfter: string): ReturnType<typeof scriptedMpsd> {
  return scriptedMpsd(() => ({
    status: 429,
    headers: { 'Retry-After': retryAfter },
    body: { version: 1, currentRequests: 31, maxRequests: 30, periodInSeconds: 15, limitType: 'rate' },
  }));
}

/** The pause the shared budget file holds, in ms from now. */
function storedPauseMs(dir: string): number[] {
  const db = new DatabaseSync(join(dir, RATE_BUDGET_FILE), { readOnly: true });
  try {
    return (db.prepare('SELECT until FROM pauses').all() as { until: number }[]).map((row) => row.until - Date.now());
  } finally {
    db.close();
  }
}

it.each(['99999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT'])(
  'invite send answered 429 with Retry-After %s: THROTTLED per invitee at a readable time, a History row, a day-long pause',
  async (retryAfter) => {
    const { mpsd, dir } = await throttlingMpsd(retryAfter);
    const url = mpsd.url;
    const invite = [
      'invite',
      'send',
      ...sessionFlags('lobby-9'),
      '--title-id',
      '1234',
      '--to',
      '2814660000000002',
      '--to',
      '2814660000000003',
    ];
    const sent = await runCli(dir, [...invite, '--endpoint', url], { env: { XBL_AUTHORIZATION: AUTH } });
    expect(sent.stderr).not.toMatch(/INTERNAL|Invalid time/);
    expect(sent.code, sent.stderr).toBe(5);
    expect(sent.stdout).toMatch(/^failed +2814660000000002 .*THROTTLED: .*\(in 24 h\)/m);
    expect(sent.stdout).toMatch(/^not-attempted +2814660000000003 /m);
    expect(mpsd.calls).toHaveLength(1);

    const history = await runCli(dir, ['history', '--json']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/"errorCode": ?"THROTTLED"/);

    const [pause, ...others] = storedPauseMs(dir);
    expect(others).toEqual([]);
    expect(pause).toBeLessThanOrEqual(DAY_MS);
    expect(pause).toBeGreaterThan(DAY_MS - 10 * 60 * 1000);

    // The next send is refused from the stored pause, with its time, and sends nothing.
    const again = await runCli(dir, [...invite, '--endpoint', url], { env: { XBL_AUTHORIZATION: AUTH } });
    expect(again.code, again.stderr).toBe(5);
    expect(again.stdout).toMatch(/THROTTLED: MPSD asked this account to pause until .*\(in (23 h 5\d min|24 h)\)/);
    expect(mpsd.calls).toHaveLength(1);
  },
);

it('mpa invite send answered 429 with Retry-After 99999999999999: THROTTLED at a readable time', async () => {
  const { mpsd, dir } = await throttlingMpsd('99999999999999');
  const url = mpsd.url;
  const sent = await runCli(
    dir,
    ['mpa', 'invite', 'send', '--title', '1234', '--xuid', '2814660000000001', '--to', '2814660000000002', '--endpoint', url],
    {
      env: { XBL_AUTHORIZATION: AUTH },
    },
  );
  expect(sent.stderr).not.toMatch(/INTERNAL|Invalid time/);
  expect(sent.code, sent.stderr).toBe(5);
  expect(sent.stderr).toMatch(/MPA rate limit reached .*send again after .*\(in 24 h\)/);
});
