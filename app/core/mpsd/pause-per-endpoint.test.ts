import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inviteSend } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type InviteSendRequest } from '../../shared/mpsd/requests.ts';
import type { WireRequest } from '../../shared/mpsd/wire.ts';
import { systemClock } from '../clock.ts';
import { createMpsdClient } from './client.ts';
import { startScriptedMpsd, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';
import { openSharedRateBudgets, RATE_BUDGET_FILE, type SharedRateBudgets } from './shared-rate-budget.ts';

const AUTH = 'XBL3.0 x=1234567890;eyJhbGciOiJSU0EtT0FFUCJ9.secret-token-value';
const PROFILE = 'profile-1';
const HOUR_S = 3600;

function invite(xuid: string): WireRequest {
  const request = parseHandleRequest({
    kind: 'invite.send',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' },
    invitedXuids: [xuid],
    titleId: '0x4D2',
  });
  return inviteSend(request as InviteSendRequest)[0] as WireRequest;
}

let dir: string;
const servers: ScriptedMpsd[] = [];
const opened: SharedRateBudgets[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-pause-origin-'));
});

afterEach(async () => {
  for (const budgets of opened.splice(0)) budgets.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** An MPSD that creates every invite, and a stand-in that answers each call 429 for an hour. */
async function twoEndpoints() {
  const real = await startScriptedMpsd((call, index) => ({
    status: 201,
    body: {
      id: `47ca0049-a5ba-4bc1-aa22-${String(index).padStart(12, '0')}`,
      type: 'invite',
      invitedXuid: (call.json as { invitedXuid: string }).invitedXuid,
    },
  }));
  const standIn = await startScriptedMpsd(() => ({ status: 429, headers: { 'Retry-After': String(HOUR_S) }, body: 'Too many requests' }));
  servers.push(real, standIn);
  return { real, standIn };
}

/** The profile's budget as one process of the data folder holds it (each call opens another connection, like another process). */
function profileBudget() {
  const budgets = openSharedRateBudgets({ dataDir: dir, clock: systemClock, onFallback: (message) => expect.fail(message) });
  opened.push(budgets);
  return budgets.budgetFor(PROFILE);
}

function clientOf(server: ScriptedMpsd) {
  return createMpsdClient({
    fetch: globalThis.fetch,
    baseUrl: server.url,
    contractVersion: 107,
    locale: 'en-US',
    authorization: { current: async () => AUTH, renew: async () => AUTH },
    clock: systemClock,
  });
}

describe('a 429 pause holds back the endpoint that asked for it', () => {
  it("a stand-in's hour-long 429 pauses the profile's calls to it, in every process, and not its calls to another endpoint", async () => {
    const { real, standIn } = await twoEndpoints();
    const budget = profileBudget();

    const asked = await clientOf(standIn).send(invite('2814679796296491'), { budget });
    expect(asked.error?.code).toBe('THROTTLED');
    expect(standIn.calls).toHaveLength(1);

    // Another process of the same data folder: the stand-in stays paused without a request...
    const otherProcess = profileBudget();
    const again = await clientOf(standIn).send(invite('2814679796296492'), { budget: otherProcess });
    expect(again.error?.code).toBe('THROTTLED');
    expect(again.attempts).toBe(0);
    expect(standIn.calls).toHaveLength(1);

    // ...while the other endpoint, which asked for nothing, gets the profile's invites, from both processes.
    for (const [xuid, from] of [
      ['2814679796296493', budget],
      ['2814679796296494', otherProcess],
    ] as const) {
      const sent = await clientOf(real).send(invite(xuid), { budget: from });
      expect(sent.error).toBeUndefined();
    }
    expect(real.calls.map((call) => (call.json as { invitedXuid: string }).invitedXuid)).toEqual(['2814679796296493', '2814679796296494']);
  });

  it('a pause a build before this one stored (no origin) still holds every endpoint back until it ends', async () => {
    const { real, standIn } = await twoEndpoints();
    profileBudget(); // creates the file, as that build did
    const raw = new DatabaseSync(join(dir, RATE_BUDGET_FILE));
    raw.prepare('INSERT INTO pauses (budget, until) VALUES (?, ?)').run(PROFILE, Date.now() + HOUR_S * 1000);
    raw.close();

    const budget = profileBudget();
    for (const server of [real, standIn]) {
      const refused = await clientOf(server).send(invite('2814679796296491'), { budget });
      expect(refused.error?.code).toBe('THROTTLED');
      expect(refused.attempts).toBe(0);
      expect(server.calls).toHaveLength(0);
    }
  });
});
