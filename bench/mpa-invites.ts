/**
 * 100 MPA invite calls against the local MPA with MPA's limits on (invites: 7 per 15 s and
 * 50 per 300 s per user and title). Run: `node bench/mpa-invites.ts` (about 10 s), or
 * `node bench/mpa-invites.ts --real` to spend the real 7 minutes. Prints figures; asserts nothing.
 *
 * By default the emulator and Handle Studio share a virtual clock whose sleeps take no real
 * time, so the pacing is measured exactly in MPA's own seconds while the HTTP is real
 * (loopback). Goal: 0 x 429 and a total within 5 % of the least the two windows allow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../app/core/clock.ts';
import { openMpaBudgets } from '../app/core/mpa/mpa-budgets.ts';
import { createMpaService } from '../app/core/mpa/mpa-service.ts';
import { createVirtualClock } from '../app/core/mpsd/virtual-clock.fixture.ts';
import type { Clock } from '../app/core/ports.ts';
import { startLocalMpsd } from '../app/emulator/index.ts';
import { mpaBuckets, MPA_BURST_WINDOW_MS, MPA_SUSTAIN_WINDOW_MS } from '../app/shared/mpa/wire.ts';

const CALLS = 100;
const real = process.argv.includes('--real');

/** The least time from the first start to the last when each start waits for both windows (greedy is optimal for sliding windows). */
function leastMs(count: number): number {
  const windows = [
    { limit: mpaBuckets.invites.burst, ms: MPA_BURST_WINDOW_MS },
    { limit: mpaBuckets.invites.sustain, ms: MPA_SUSTAIN_WINDOW_MS },
  ];
  const starts: number[] = [];
  for (let index = 0; index < count; index++) {
    let at = starts.at(-1) ?? 0;
    for (const window of windows) if (index >= window.limit) at = Math.max(at, (starts[index - window.limit] as number) + window.ms);
    starts.push(at);
  }
  return starts.at(-1) ?? 0;
}

const clock: Clock = real ? systemClock : createVirtualClock(Date.now());
const mpsd = await startLocalMpsd({ port: 0, rateLimits: true, clock });
const dataDir = mkdtempSync(join(tmpdir(), 'bench-mpa-'));
const budgets = openMpaBudgets({ dataDir, clock, onFallback: (message) => console.error(message) });
try {
  const [sender, invitee] = mpsd.users;
  if (sender === undefined || invitee === undefined) throw new Error('the local MPSD has no users');
  const service = createMpaService({ fetch: globalThis.fetch, clock, budgets });
  const target = {
    sender: 'bench',
    baseUrl: mpsd.url,
    authorization: { current: async () => sender.authorization, renew: async () => sender.authorization },
  };
  const wallStarted = performance.now();
  const started = clock.now();
  let invited = 0;
  for (let call = 0; call < CALLS; call++) {
    const result = await service.send(target, {
      kind: 'mpa.invite.send',
      titleId: '1234',
      invitedUsers: [invitee.xuid],
      connectionString: `lobby:${call}`,
    });
    if (result.error === undefined) invited += 1;
    else console.error(`call ${call + 1}: ${result.error.message}`);
  }
  const elapsed = clock.now() - started;
  const least = leastMs(CALLS);
  const ratio = elapsed / least;
  console.log(
    `${CALLS} MPA invite calls, MPA's invite bucket on (7/15 s, 50/300 s), one sender, ${real ? 'real clock' : 'virtual clock shared with the local MPA'}:`,
  );
  console.log(
    `  invited ${invited}/${CALLS}, recorded by the local MPA ${mpsd.mpa().invites.length}, 429s received ${mpsd.stats().throttled} (goal 0)`,
  );
  console.log(
    `  took ${(elapsed / 1000).toFixed(2)} s of MPA time, least possible ${(least / 1000).toFixed(2)} s, ratio ${ratio.toFixed(3)} (goal <= 1.05) ${ratio <= 1.05 ? 'met' : 'NOT met'}; wall ${((performance.now() - wallStarted) / 1000).toFixed(1)} s`,
  );
} finally {
  budgets.close();
  await mpsd.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
