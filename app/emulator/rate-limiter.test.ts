import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { callAs, manualClock, sessionPath, userAt } from './test-calls.fixture.ts';
import type { CallResult } from './test-calls.fixture.ts';

let mpsd: LocalMpsd | undefined;
const clock = manualClock();

afterEach(async () => {
  await mpsd?.stop();
  mpsd = undefined;
});

async function start(rateLimits = true): Promise<LocalMpsd> {
  mpsd = await startLocalMpsd({ clock, rateLimits });
  return mpsd;
}

/** A cheap authenticated call: reading a session that does not exist answers 204. */
function read(server: LocalMpsd, userIndex = 0): Promise<CallResult> {
  return callAs(server, userAt(server, userIndex), 'GET', sessionPath('lobby'));
}

async function readTimes(server: LocalMpsd, count: number, userIndex = 0): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) statuses.push((await read(server, userIndex)).status);
  return statuses;
}

describe('burst window: 30 requests per 15 seconds', () => {
  it('answers the 31st request with 429, Retry-After and the MPSD body, and lets the user go on after the window slides', async () => {
    const server = await start();
    expect(await readTimes(server, 30)).toEqual(Array(30).fill(204));
    const throttled = await read(server);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('15');
    expect(throttled.json).toEqual({ version: 1, currentRequests: 31, maxRequests: 30, periodInSeconds: 15, limitType: 'rate' });
    clock.advance(10_000);
    expect((await read(server)).headers.get('retry-after')).toBe('5');
    clock.advance(5_000);
    expect((await read(server)).status).toBe(204);
    expect(server.stats()).toMatchObject({ requests: 33, throttled: 2 });
  });

  it('counts each user separately', async () => {
    const server = await start();
    await readTimes(server, 30, 0);
    expect((await read(server, 0)).status).toBe(429);
    expect((await read(server, 1)).status).toBe(204);
  });

  it('counts per title when the token names one', async () => {
    const server = await start();
    const xuid = userAt(server, 0).xuid;
    const otherTitle = server.directory.issueToken({ xuid, titleId: '99' });
    await readTimes(server, 30, 0);
    expect((await read(server, 0)).status).toBe(429);
    const sameUserOtherTitle = await callAs(
      server,
      { ...userAt(server, 0), authorization: otherTitle.authorization },
      'GET',
      sessionPath('lobby'),
    );
    expect(sameUserOtherTitle.status).toBe(204);
  });
});

describe('sustain window: 300 requests per 300 seconds', () => {
  it('throttles a steady client at request 301, with periodInSeconds 300', async () => {
    const server = await start();
    for (let round = 0; round < 10; round += 1) {
      expect(await readTimes(server, 30)).toEqual(Array(30).fill(204));
      clock.advance(15_000);
    }
    const throttled = await read(server);
    expect(throttled.status).toBe(429);
    expect(throttled.json).toMatchObject({ currentRequests: 301, maxRequests: 300, periodInSeconds: 300 });
    // The first round was sent 150 s ago; it slides out of the window in another 150 s.
    expect(throttled.headers.get('retry-after')).toBe('150');
  });

  it('counts throttled requests too, so hammering through 429s keeps the client out longer', async () => {
    const server = await start();
    const statuses = await readTimes(server, 300);
    expect(statuses.filter((status) => status === 204)).toHaveLength(30);
    clock.advance(15_000);
    // The burst window is clear again, but 300 requests (270 of them refused) fill the sustain window.
    const stillThrottled = await read(server);
    expect(stillThrottled.status).toBe(429);
    expect(stillThrottled.json).toMatchObject({ maxRequests: 300, periodInSeconds: 300 });
    expect(stillThrottled.headers.get('retry-after')).toBe('285');
  });
});

describe('rateLimits: false', () => {
  it('never throttles', async () => {
    const server = await start(false);
    const statuses = await readTimes(server, 40);
    expect(statuses.every((status) => status === 204)).toBe(true);
    expect(server.stats().throttled).toBe(0);
  });
});
