/**
 * Browser mode end to end (real core, real host, real loopback MPSD): MPSD answers one
 * profile's invite 429 with `Retry-After: 86400`. That profile's next calls, a session read
 * included, must answer at once with THROTTLED and the time MPSD asked for instead of hanging
 * for a day behind the profile's rate budget, and another profile must go on sending.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedMpsd, type ScriptedMpsd } from '../core/mpsd/scripted-mpsd.fixture.ts';
import { useHostWorld } from './host-world.fixture.ts';

const AUTH_A = 'XBL3.0 x=1111111111;profile-a-token-value';
const AUTH_B = 'XBL3.0 x=2222222222;profile-b-token-value';
const SESSION_REF = { scid: '00000000-0000-0000-0000-0000abcdef01', templateName: 'GameSession', name: 'lobby-1' };
const DAY_S = 86_400;

let mpsd: ScriptedMpsd;

beforeEach(async () => {
  mpsd = await startScriptedMpsd((call) => {
    if (call.method === 'POST' && call.path === '/handles') {
      return call.headers.authorization === AUTH_A
        ? {
            status: 429,
            headers: { 'Retry-After': String(DAY_S) },
            body: { version: 1, currentRequests: 301, maxRequests: 300, periodInSeconds: 300, limitType: 'rate' },
          }
        : { status: 201, body: { id: '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13', type: 'invite' } };
    }
    return { status: 200, body: { constants: {}, properties: {}, members: {} } };
  });
});
afterEach(async () => {
  await mpsd.close();
});

/** One contract call over HTTP, as the page in the browser makes it. After the MPSD's hooks: core and the host close before it stops. */
const { value: call } = useHostWorld();

async function profile(name: string, authorization: string): Promise<string> {
  const saved = await call<{ id: string }>('saveProfile', { name, environment: 'custom', endpoint: mpsd.url, sandboxId: 'XDKS.1' });
  await call('pasteToken', { profileId: saved.id, authorization, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  return saved.id;
}

/** What reached MPSD's paths: a pasted token on a loopback endpoint also asks the local MPSD's user list (`/_emulator/users`) for its XUID. */
function mpsdCalls() {
  return mpsd.calls.filter((arrived) => !arrived.path.startsWith('/_emulator/'));
}

describe('a day-long Retry-After in browser mode', () => {
  it('is reported at once with the time MPSD asked for; a session read of that profile answers too; another profile still sends', async () => {
    const a = await profile('Throttled', AUTH_A);
    const b = await profile('Other', AUTH_B);

    const invite = await call('sendRequest', {
      runId: 'run-a-invite',
      profileId: a,
      request: { kind: 'invite.send', sessionRef: SESSION_REF, invitedXuids: ['2814660000000001', '2814660000000002'], titleId: '0x4D2' },
    });
    const first = invite.invitees[0];
    expect(first.error.code).toBe('THROTTLED');
    const retryAt = Date.parse(first.error.details.retryAt);
    expect(retryAt - Date.now()).toBeGreaterThan((DAY_S - 60) * 1000);
    expect(first.error.message).toMatch(/\(in (23 h 59 min|24 h)\)/);
    // The second invitee did not go out: MPSD saw one invite.
    expect(invite.invitees[1].state).not.toBe('sent');
    expect(mpsdCalls().filter((arrived) => arrived.method === 'POST')).toHaveLength(1);

    const read = await call('sendRequest', {
      runId: 'run-a-read',
      profileId: a,
      request: { kind: 'session.get', sessionRef: SESSION_REF },
    });
    expect(read.error).toMatchObject({ code: 'THROTTLED', details: { retryAt: first.error.details.retryAt } });
    expect(mpsdCalls()).toHaveLength(1);

    const other = await call('sendRequest', {
      runId: 'run-b-read',
      profileId: b,
      request: { kind: 'session.get', sessionRef: SESSION_REF },
    });
    expect(other.outcome).toBe('completed');
    expect(mpsdCalls().at(-1)?.headers.authorization).toBe(AUTH_B);
  });
});
