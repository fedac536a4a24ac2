import { describe, expect, it } from 'vitest';
import { createRateBudget, describeDuration, LONGEST_PAUSE_MS, MPSD_RATE_WINDOWS } from './rate-budget.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

/** Takes `count` slots one after another and returns when each was granted, relative to the start. */
async function grantTimes(count: number, budget: ReturnType<typeof createRateBudget>, clock: ReturnType<typeof createVirtualClock>) {
  const start = clock.now();
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    await budget.take();
    times.push(clock.now() - start);
  }
  return times;
}

describe('MPSD windows', () => {
  it('lets 30 go at once, then one burst per 15 s (plus the safety margin): 100 invites in 45.75 s', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock, safetyMarginMs: 250 });
    const times = await grantTimes(100, budget, clock);
    expect(times.slice(0, 30).every((time) => time === 0)).toBe(true);
    expect(times[30]).toBe(15_250);
    expect(times[60]).toBe(30_500);
    expect(times[99]).toBe(45_750);
    // No window of 15 s holds more than 30 starts.
    for (let index = 30; index < times.length; index++) {
      expect((times[index] as number) - (times[index - 30] as number)).toBeGreaterThanOrEqual(15_000);
    }
  });

  it('keeps to the sustain window too: never more than 300 in 300 s', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock, windows: MPSD_RATE_WINDOWS, safetyMarginMs: 0 });
    const times = await grantTimes(330, budget, clock);
    // 30 per 15 s would allow the 301st at 150 s; the 300 s window holds it back to 300 s.
    expect(times[299]).toBe(135_000);
    expect(times[300]).toBe(300_000);
    for (let index = 300; index < times.length; index++) {
      expect((times[index] as number) - (times[index - 300] as number)).toBeGreaterThanOrEqual(300_000);
    }
  });
});

describe('back-off and fairness', () => {
  it('holds everyone back for a Retry-After', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock });
    await budget.take();
    budget.backOffUntil(clock.now() + 4000);
    const before = clock.now();
    await budget.take();
    expect(clock.now() - before).toBe(4000);
  });

  it('does not wait out a pause longer than maxPauseMs: every taker hears THROTTLED at once with when to come back', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock });
    budget.backOffUntil(clock.now() + 86_400_000);
    for (let caller = 0; caller < 2; caller += 1) {
      const refused = await budget.take().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(refused).toMatchObject({
        code: 'THROTTLED',
        details: { retryAt: new Date(clock.now() + 86_400_000).toISOString(), retryAfterMs: 86_400_000 },
      });
      expect((refused as Error).message).toContain('(in 24 h)');
    }
    expect(clock.sleeps).toEqual([]);
  });

  it("pauses only the origin that asked (in this process's memory too); a pause without an origin holds every origin", async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock });
    const refusal = (origin: string) =>
      budget.take(undefined, origin).then(
        () => 'granted',
        (thrown: unknown) => (thrown as { code: string }).code,
      );
    budget.backOffUntil(clock.now() + 86_400_000, 'http://127.0.0.1:8001');
    expect(await refusal('http://127.0.0.1:8001')).toBe('THROTTLED');
    expect(await refusal('https://sessiondirectory.xboxlive.com')).toBe('granted');
    budget.backOffUntil(clock.now() + 86_400_000);
    expect(await refusal('https://sessiondirectory.xboxlive.com')).toBe('THROTTLED');
  });

  it('takes a pause asked past a day (past what a Date holds, even) as a day', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock });
    budget.backOffUntil(clock.now() + 1e17);
    await expect(budget.take()).rejects.toMatchObject({
      code: 'THROTTLED',
      details: { retryAt: new Date(clock.now() + LONGEST_PAUSE_MS).toISOString(), retryAfterMs: LONGEST_PAUSE_MS },
    });
  });

  it('waits out a pause within the bound, and Ctrl+C (the signal) ends that wait', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock });
    budget.backOffUntil(clock.now() + 59_000);
    const controller = new AbortController();
    const waiting = budget.take(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    const before = clock.now();
    await budget.take();
    expect(clock.now() - before).toBe(59_000);
  });

  it('serves callers in the order they asked', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock, windows: [{ limit: 1, windowMs: 1000 }], safetyMarginMs: 0 });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((caller) => budget.take().then(() => order.push(caller))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('a caller that cancels while queued hears CANCELLED and uses no slot', async () => {
    const clock = createVirtualClock();
    const budget = createRateBudget({ clock, windows: [{ limit: 1, windowMs: 1000 }], safetyMarginMs: 0 });
    await budget.take();
    const controller = new AbortController();
    const cancelled = budget.take(controller.signal);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    const before = clock.now();
    await budget.take();
    // The next caller got the slot the cancelled one would have had (one window after the first).
    expect(clock.now() - before).toBe(1000);
  });

  it('refuses windows that could never grant anything', () => {
    const clock = createVirtualClock();
    expect(() => createRateBudget({ clock, windows: [{ limit: 0, windowMs: 1000 }] })).toThrow(/limit of at least 1/);
  });
});

describe('how long to wait, in words', () => {
  it('names hours, minutes and seconds as a person would read them', () => {
    expect(describeDuration(86_400_000)).toBe('24 h');
    expect(describeDuration(5_400_000)).toBe('1 h 30 min');
    expect(describeDuration(125_000)).toBe('2 min 5 s');
    expect(describeDuration(120_000)).toBe('2 min');
    expect(describeDuration(44_200)).toBe('45 s');
  });
});
