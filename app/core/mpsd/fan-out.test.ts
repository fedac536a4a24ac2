import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { getHandle, inviteSend } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type InviteSendRequest } from '../../shared/mpsd/requests.ts';
import type { WireRequest } from '../../shared/mpsd/wire.ts';
import { createMpsdClient, type MpsdClientOptions } from './client.ts';
import { runFanOut, type FanOutProgress } from './fan-out.ts';
import { createRateBudget, type RateBudgetOptions } from './rate-budget.ts';
import { startScriptedMpsd, type ArrivedCall, type MpsdScript, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

const AUTH = 'XBL3.0 x=998877;eyJ.fan-out-secret-token';
const SESSION_REF = { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' };

function invitees(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(2814679796296000 + index));
}

function inviteWires(xuids: string[]): WireRequest[] {
  return inviteSend(
    parseHandleRequest({ kind: 'invite.send', sessionRef: SESSION_REF, invitedXuids: xuids, titleId: 1234 }) as InviteSendRequest,
  );
}

const xuidOf = (call: ArrivedCall) => (call.json as { invitedXuid: string }).invitedXuid;

/** MPSD's happy answer: a new invite handle for whoever was invited. */
const created = (call: ArrivedCall) => ({ status: 201, body: { id: randomUUID(), type: 'invite', invitedXuid: xuidOf(call) } });

let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function setup(script: MpsdScript, options: { client?: Partial<MpsdClientOptions>; budget?: Partial<RateBudgetOptions> } = {}) {
  mpsd = await startScriptedMpsd(script);
  const clock = createVirtualClock();
  let renewCalls = 0;
  const client = createMpsdClient({
    fetch: globalThis.fetch,
    baseUrl: mpsd.url,
    contractVersion: 107,
    locale: 'en-US',
    authorization: {
      current: async () => AUTH,
      renew: async () => {
        renewCalls += 1;
        return AUTH;
      },
    },
    clock,
    random: () => 0,
    ...options.client,
  });
  const budget = createRateBudget({ clock, ...options.budget });
  return { client, budget, clock, server: mpsd, renewCalls: () => renewCalls };
}

/** How often each invitee reached the server, and how often it was answered with a new invite. */
function serverCounts(calls: ArrivedCall[], answered: Map<ArrivedCall, number>) {
  const arrived = new Map<string, number>();
  const createdFor = new Map<string, number>();
  for (const call of calls) {
    const xuid = xuidOf(call);
    arrived.set(xuid, (arrived.get(xuid) ?? 0) + 1);
    if (answered.get(call) === 201) createdFor.set(xuid, (createdFor.get(xuid) ?? 0) + 1);
  }
  return { arrived, createdFor };
}

describe('pacing', () => {
  it('paces itself to the budget so a server enforcing the same window never throttles', async () => {
    const arrivals: number[] = [];
    let throttled = 0;
    const { client, budget, clock, server } = await setup(
      (call) => {
        const now = clock.now();
        const recent = arrivals.filter((time) => time > now - 1000).length;
        arrivals.push(now);
        if (recent >= 3) {
          throttled += 1;
          return { status: 429, headers: { 'Retry-After': '1' } };
        }
        return created(call);
      },
      { budget: { windows: [{ limit: 3, windowMs: 1000 }], safetyMarginMs: 0 } },
    );
    const xuids = invitees(12);
    const results = await runFanOut(inviteWires(xuids), { client, budget, concurrency: 1 });
    expect(results.map((result) => result.state)).toEqual(xuids.map(() => 'sent'));
    expect(throttled).toBe(0);
    expect(server.calls).toHaveLength(12);
    // 12 invites at 3 per second need three full windows of waiting.
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(3000);
  });

  it('rides out a 429 storm without losing or doubling an invite', async () => {
    const answered = new Map<ArrivedCall, number>();
    const seen = new Map<string, number>();
    const { client, budget, server } = await setup((call) => {
      // Every invitee is throttled on its first two tries, as in a burst from several tools at once.
      const tries = (seen.get(xuidOf(call)) ?? 0) + 1;
      seen.set(xuidOf(call), tries);
      const answer =
        tries <= 2
          ? {
              status: 429,
              headers: { 'Retry-After': '2' },
              body: { version: 1, currentRequests: 31, maxRequests: 30, periodInSeconds: 15, limitType: 'rate' },
            }
          : created(call);
      answered.set(call, answer.status);
      return answer;
    });
    const xuids = invitees(20);
    const results = await runFanOut(inviteWires(xuids), { client, budget, concurrency: 4 });

    expect(results.map((result) => result.invitedXuid)).toEqual(xuids);
    expect(results.every((result) => result.state === 'sent' && result.handleId !== undefined)).toBe(true);
    const { createdFor } = serverCounts(server.calls, answered);
    expect(xuids.map((xuid) => createdFor.get(xuid))).toEqual(xuids.map(() => 1));
    expect(new Set(results.map((result) => result.handleId)).size).toBe(20);
    expect(server.calls).toHaveLength(60);
  });
});

describe('truthful results', () => {
  it("a 429 storm stops the fan-out: once one invitee's retries are spent, the rest are not attempted and never reach MPSD", async () => {
    const { client, budget, server } = await setup(() => ({ status: 429, headers: { 'Retry-After': '1' } }));
    const xuids = invitees(4);
    const results = await runFanOut(inviteWires(xuids), { client, budget, concurrency: 1 });
    expect(results.map((result) => result.state)).toEqual(['failed', 'not-attempted', 'not-attempted', 'not-attempted']);
    expect(results[0]?.error?.code).toBe('THROTTLED');
    expect(results[1]?.error).toMatchObject({ code: 'THROTTLED', message: expect.stringMatching(/^Not attempted \(safe to send again\)/) });
    // The first invitee's tries (1 + the client's retries), nothing for anyone else.
    expect(new Set(server.calls.map(xuidOf))).toEqual(new Set([xuids[0]]));
  });

  it('reports every invitee truthfully when the server dies mid-send', async () => {
    const answered = new Map<ArrivedCall, number>();
    // Not const: the script below may read it (still undefined) before setup returns the server.
    // eslint-disable-next-line prefer-const -- see above
    let server: ScriptedMpsd | undefined;
    const setupResult = await setup(async (call, index) => {
      if (index === 4) {
        // The machine goes away: this request is never answered, later ones find no listener.
        void server?.close();
        return 'drop';
      }
      const answer = created(call);
      answered.set(call, answer.status);
      return answer;
    });
    server = setupResult.server;
    const { client, budget } = setupResult;
    const xuids = invitees(10);
    const results = await runFanOut(inviteWires(xuids), { client, budget, concurrency: 2 });

    const { arrived, createdFor } = serverCounts(server.calls, answered);
    expect(results.map((result) => result.invitedXuid)).toEqual(xuids);
    for (const result of results) {
      if (result.state === 'sent') expect(createdFor.get(result.invitedXuid)).toBe(1);
      if (result.state === 'failed') {
        expect(result.error?.code).toBe('OFFLINE');
        expect(arrived.has(result.invitedXuid)).toBe(false);
      }
      if (result.state === 'outcome-unknown') expect(createdFor.has(result.invitedXuid)).toBe(false);
      // Nothing MPSD created is reported as anything but sent.
      if (createdFor.has(result.invitedXuid)) expect(result.state).toBe('sent');
    }
    const states = new Set(results.map((result) => result.state));
    expect(states.has('sent')).toBe(true);
    expect(states.has('outcome-unknown')).toBe(true);
    expect(states.has('failed')).toBe(true);
    // Nobody was sent twice.
    expect([...arrived.values()].every((count) => count === 1)).toBe(true);
  });

  it('never re-sends an invite whose outcome is unknown', async () => {
    const { client, budget, server } = await setup((call, index) => (index === 1 ? 'hang' : created(call)), { client: { timeoutMs: 300 } });
    const xuids = invitees(3);
    const results = await runFanOut(inviteWires(xuids), { client, budget, concurrency: 1 });
    expect(results.map((result) => result.state)).toEqual(['sent', 'outcome-unknown', 'sent']);
    expect(results[1]?.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(server.calls.map(xuidOf)).toEqual(xuids);
  });

  it('stops when the token is refused instead of trying everyone', async () => {
    const { client, budget, server, renewCalls } = await setup(() => ({ status: 401, body: 'Token expired.' }));
    const results = await runFanOut(inviteWires(invitees(5)), { client, budget, concurrency: 1 });
    expect(results.map((result) => result.state)).toEqual(['failed', 'not-attempted', 'not-attempted', 'not-attempted', 'not-attempted']);
    expect(results[3]?.error?.code).toBe('UNAUTHORIZED');
    expect(results[3]?.error?.message).toMatch(/^Not attempted/);
    expect(server.calls).toHaveLength(2);
    expect(renewCalls()).toBe(1);
  });
});

describe('cancel and progress', () => {
  it('stops starting invites on cancel; the rest are not attempted and never reach MPSD', async () => {
    const controller = new AbortController();
    const { client, budget, server } = await setup(created);
    const xuids = invitees(8);
    const progress: FanOutProgress[] = [];
    const results = await runFanOut(inviteWires(xuids), {
      client,
      budget,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (event) => {
        progress.push(event);
        if (event.done === 3) controller.abort();
      },
    });
    expect(results.map((result) => result.state)).toEqual(['sent', 'sent', 'sent', ...xuids.slice(3).map(() => 'not-attempted')]);
    expect(results[5]?.error?.code).toBe('CANCELLED');
    expect(server.calls.map(xuidOf)).toEqual(xuids.slice(0, 3));
    expect(progress.map((event) => event.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((event) => event.total === 8)).toBe(true);
    expect(progress[0]?.last).toBe(results[0]);
  });

  it('refuses a concurrency it cannot honour and wires that are not invites', async () => {
    const { client, budget } = await setup(created);
    await expect(runFanOut(inviteWires(invitees(1)), { client, budget, concurrency: 0 })).rejects.toThrow(/from 1 to 16/);
    await expect(runFanOut([getHandle(randomUUID())], { client, budget })).rejects.toBeInstanceOf(HandleStudioError);
  });
});
