/**
 * `sequenceNumber` as Microsoft's client computes it (XSAPI multiplayer_activity_service.cpp,
 * GetSequenceNumber): FILETIME ticks (100 ns since 1601) minus those of 2015-01-01, shifted
 * right by 16, so one unit is about 6.55 ms; Unix seconds when the clock is before 2015.
 *
 * MPA wants the number to grow with every write of an activity. Two writes within 6.55 ms
 * get the same time-based number, which XSAPI would send twice; `nextSequenceNumber` moves
 * the second one up by one instead.
 */

/** FILETIME ticks at 1970-01-01, and at 2015-01-01 (XSAPI's constant). */
const UNIX_EPOCH_TICKS = 116_444_736_000_000_000n;
const TICKS_2015 = 130_645_440_000_000_000n;
const TICKS_PER_MS = 10_000n;

export function mpaSequenceNumber(nowMs: number): number {
  const ticks = BigInt(Math.floor(nowMs)) * TICKS_PER_MS + UNIX_EPOCH_TICKS;
  if (ticks < TICKS_2015) return Math.floor(nowMs / 1000);
  return Number((ticks - TICKS_2015) >> 16n);
}

/** The time-based number, or one more than the last one sent when the clock has not moved past it. */
export function nextSequenceNumber(nowMs: number, lastSent: number | undefined): number {
  const fromClock = mpaSequenceNumber(nowMs);
  return lastSent !== undefined && fromClock <= lastSent ? lastSent + 1 : fromClock;
}
