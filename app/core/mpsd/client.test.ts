import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { getHandle, inviteSend, sessionGet } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type InviteSendRequest } from '../../shared/mpsd/requests.ts';
import { AUTHORIZATION_PLACEHOLDER, type WireRequest } from '../../shared/mpsd/wire.ts';
import type { AuthorizationSource } from '../ports.ts';
import { createMpsdClient, type MpsdClientOptions } from './client.ts';
import { createRateBudget } from './rate-budget.ts';
import { openSharedRateBudgets } from './shared-rate-budget.ts';
import { echoAuthorization, startScriptedMpsd, type MpsdScript, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

const TOKEN = 'eyJhbGciOiJSU0EtT0FFUCJ9.secret-token-value';
const AUTH = `XBL3.0 x=1234567890;${TOKEN}`;
const FRESH_AUTH = 'XBL3.0 x=1234567890;eyJfresh.renewed-token-value';
const HANDLE_ID = '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13';
const SESSION_REF = { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' };

function invite(xuid = '2814679796296491'): WireRequest {
  const request = parseHandleRequest({ kind: 'invite.send', sessionRef: SESSION_REF, invitedXuids: [xuid], titleId: '0x4D2' });
  return inviteSend(request as InviteSendRequest)[0] as WireRequest;
}

/** A credential source that hands out `values` in turn: current() the first, each renew() the next. */
function credentials(values: string[]) {
  let index = 0;
  const source = {
    renewCalls: 0,
    refusedCalls: 0,
    refused: () => {
      source.refusedCalls += 1;
    },
    current: async () => values[index] as string,
    renew: async () => {
      source.renewCalls += 1;
      index += 1;
      const next = values[index];
      if (next === undefined) throw new HandleStudioError('UNAUTHORIZED', 'Could not renew the token: sign in again.');
      return next;
    },
  };
  return source;
}

let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function setup(script: MpsdScript, overrides: Partial<MpsdClientOptions> = {}) {
  mpsd = await startScriptedMpsd(script);
  const clock = createVirtualClock();
  const auth = credentials([AUTH, FRESH_AUTH]);
  const client = createMpsdClient({
    fetch: globalThis.fetch,
    baseUrl: mpsd.url,
    contractVersion: 107,
    locale: 'en-US',
    authorization: auth,
    clock,
    random: () => 0.5,
    ...overrides,
  });
  return { client, clock, auth, server: mpsd };
}

describe('a successful invite', () => {
  it('sends the headers MPSD expects and records the answer with the Authorization masked', async () => {
    const { client, server } = await setup(() => ({
      status: 201,
      headers: { 'X-XblCorrelationId': 'corr-1' },
      body: { id: HANDLE_ID, type: 'invite', version: 1, invitedXuid: '2814679796296491' },
    }));
    const exchange = await client.send(invite());

    expect(exchange.error).toBeUndefined();
    expect(exchange.handleId).toBe(HANDLE_ID);
    expect(exchange.correlationId).toBe('corr-1');
    expect(exchange.invitedXuid).toBe('2814679796296491');
    expect(exchange.attempts).toBe(1);

    const [arrived] = server.calls;
    expect(arrived?.method).toBe('POST');
    expect(arrived?.path).toBe('/handles');
    expect(arrived?.headers.authorization).toBe(AUTH);
    expect(arrived?.headers['x-xbl-contract-version']).toBe('107');
    expect(arrived?.headers['accept-language']).toBe('en-US');
    expect(arrived?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(arrived?.json).toEqual({
      version: 1,
      type: 'invite',
      sessionRef: SESSION_REF,
      invitedXuid: '2814679796296491',
      inviteAttributes: { titleId: '1234' },
    });

    expect(exchange.request.headers.Authorization).toBe(AUTHORIZATION_PLACEHOLDER);
    expect(exchange.request.body).toBe(arrived?.body);
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
  });

  it('falls back to MS-CV for the correlation id and takes the handle id from the path for a get', async () => {
    const { client } = await setup(() => ({ status: 200, headers: { 'MS-CV': 'cv.1.2' }, body: { type: 'activity' } }));
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.correlationId).toBe('cv.1.2');
    expect(exchange.handleId).toBe(HANDLE_ID);
    expect(exchange.response?.json).toEqual({ type: 'activity' });
  });

  it('treats 204 (no such session) as an answer, not an error', async () => {
    const { client } = await setup(() => ({ status: 204 }));
    const exchange = await client.send(sessionGet(SESSION_REF));
    expect(exchange.error).toBeUndefined();
    expect(exchange.response?.status).toBe(204);
    expect(exchange.response?.body).toBe('');
  });

  it('never records a token the service echoes back', async () => {
    const { client } = await setup(() => ({ status: 400, body: `Bad header: ${AUTH}` }));
    const exchange = await client.send(invite());
    const recorded = JSON.stringify(exchange);
    expect(recorded).not.toContain(TOKEN);
    expect(exchange.error?.message).toContain(AUTHORIZATION_PLACEHOLDER);
  });

  it('never records a token echoed in a response header or in a JSON body that escapes + and /', async () => {
    // '+' and '/' every few characters: once escaped, no stretch of the raw text is long enough to be recognised.
    const token = 'eyJhbGciOi+JSU0EtT0F/FUCJ9.sec+ret-tok/en-val+ue-mor/e-pi+eces';
    let sentBody = '';
    const { client } = await setup(
      (call) => {
        const answer = echoAuthorization(call);
        sentBody = String(answer.body);
        return answer;
      },
      { authorization: credentials([`XBL3.0 x=1234567890;${token}`]) },
    );
    const exchange = await client.send(invite());
    // What went over the wire really was escaped.
    expect(sentBody).toContain('ciOi\\u002BJSU0EtT0F\\/FUCJ9');
    const recorded = JSON.stringify(exchange);
    for (const piece of token.split(/[+/]/)) expect(recorded).not.toContain(piece);
    expect(exchange.response?.headers['x-echoed-authorization']).toBe(AUTHORIZATION_PLACEHOLDER);
    expect(exchange.response?.json).toEqual({
      message: `Malformed header: ${AUTHORIZATION_PLACEHOLDER}`,
      authorization: AUTHORIZATION_PLACEHOLDER,
    });
    expect(exchange.error?.message).toContain(`Malformed header: ${AUTHORIZATION_PLACEHOLDER}`);
  });

  it('keeps at most responseBodyCap bytes of a long body and says it was cut', async () => {
    const { client } = await setup(() => ({ status: 200, body: { padding: 'x'.repeat(10_000) } }), { responseBodyCap: 1000 });
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.response?.body).toHaveLength(1000);
    expect(exchange.response?.bodyTruncated).toBe(true);
    expect(exchange.response?.json).toBeUndefined();
  });
});

describe('status codes', () => {
  const cases = [
    { status: 400, code: 'MPSD_REJECTED', text: 'The request body is missing the required field invitedXuid.' },
    { status: 403, code: 'FORBIDDEN', text: 'The requested service config cannot be accessed.' },
    { status: 404, code: 'NOT_FOUND', text: "The requested session wasn't found." },
    { status: 409, code: 'CONFLICT', text: 'Constant system.maxMembersCount is already set by the template.' },
    { status: 412, code: 'PRECONDITION_FAILED', text: 'The session already exists.' },
  ] as const;

  for (const { status, code, text } of cases) {
    it(`maps ${status} to ${code} and quotes the service`, async () => {
      const { client, server } = await setup(() => ({ status, body: text }));
      const exchange = await client.send(invite());
      expect(exchange.error?.code).toBe(code);
      expect(exchange.error?.message).toContain(text);
      expect(exchange.error?.details).toMatchObject({ status, serviceText: text });
      expect(exchange.response?.status).toBe(status);
      // An invite is never repeated by the client unless MPSD said it did not process it.
      expect(server.calls).toHaveLength(1);
    });
  }

  it('retries other 5xx for idempotent calls only, with growing waits', async () => {
    const { client, server, clock } = await setup((_, index) =>
      index < 2 ? { status: 502, body: 'Bad gateway' } : { status: 200, body: {} },
    );
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.error).toBeUndefined();
    expect(server.calls).toHaveLength(3);
    expect(clock.sleeps).toEqual([2000 * 1.1, 4000 * 1.1]);
  });

  it('does not follow a redirect (the token would go with it)', async () => {
    const { client, server } = await setup((call) =>
      call.path === '/elsewhere' ? { status: 200, body: {} } : { status: 302, headers: { location: '/elsewhere' } },
    );
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.error?.code).toBe('MPSD_REJECTED');
    expect(exchange.error?.message).toMatch(/redirect/);
    expect(server.calls.map((call) => call.path)).toEqual([`/handles/${HANDLE_ID}`]);
  });
});

describe('401', () => {
  it('renews the token once and retries once with the new value', async () => {
    const { client, server, auth } = await setup((call) =>
      call.headers.authorization === AUTH
        ? { status: 401, headers: { 'WWW-Authenticate': 'XBL3.0 error=token_expired' } }
        : { status: 201, body: { id: HANDLE_ID } },
    );
    const exchange = await client.send(invite());
    expect(exchange.error).toBeUndefined();
    expect(auth.renewCalls).toBe(1);
    expect(server.calls.map((call) => call.headers.authorization)).toEqual([AUTH, FRESH_AUTH]);
    expect(exchange.attempts).toBe(2);
    expect(JSON.stringify(exchange)).not.toContain('renewed-token-value');
    // A renewal that worked is not a refusal.
    expect(auth.refusedCalls).toBe(0);
  });

  it('stops at a second 401 with UNAUTHORIZED and the reason MPSD gave', async () => {
    const { client, server, auth } = await setup(() => ({
      status: 401,
      headers: { 'WWW-Authenticate': 'XBL3.0 error=invalid_sandbox' },
      body: 'Token sandbox does not match.',
    }));
    const exchange = await client.send(invite());
    expect(exchange.error?.code).toBe('UNAUTHORIZED');
    expect(exchange.error?.message).toContain('Token sandbox does not match.');
    expect(exchange.error?.details?.wwwAuthenticate).toBe('XBL3.0 error=invalid_sandbox');
    expect(auth.renewCalls).toBe(1);
    expect(server.calls).toHaveLength(2);
    // The token is refused for good: the source hears it once, so every screen can say so.
    expect(auth.refusedCalls).toBe(1);
  });

  it("reports the credential source's error when renewing fails", async () => {
    let refused = 0;
    const failing: AuthorizationSource = {
      current: async () => AUTH,
      renew: async () => {
        throw new HandleStudioError('UNAUTHORIZED', 'The refresh token was revoked: sign in again.');
      },
      refused: () => {
        refused += 1;
      },
    };
    const { client, server } = await setup(() => ({ status: 401 }), { authorization: failing });
    const exchange = await client.send(invite());
    expect(exchange.error).toMatchObject({ code: 'UNAUTHORIZED', message: 'The refresh token was revoked: sign in again.' });
    expect(server.calls).toHaveLength(1);
    expect(refused).toBe(1);
  });

  it('does not call a token refused when renewing failed for another reason, and survives a throwing hook', async () => {
    let refused = 0;
    const offline: AuthorizationSource = {
      current: async () => AUTH,
      renew: async () => {
        throw new HandleStudioError('OFFLINE', 'Could not reach the sign-in service: nothing was sent.');
      },
      refused: () => {
        refused += 1;
      },
    };
    const { client } = await setup(() => ({ status: 401 }), { authorization: offline });
    expect((await client.send(invite())).error?.code).toBe('OFFLINE');
    expect(refused).toBe(0);

    const throwing: AuthorizationSource = {
      current: async () => AUTH,
      renew: async () => FRESH_AUTH,
      refused: () => {
        throw new Error('screen update failed');
      },
    };
    const second = createMpsdClient({
      fetch: globalThis.fetch,
      baseUrl: mpsd!.url,
      contractVersion: 107,
      locale: 'en-US',
      authorization: throwing,
      clock: createVirtualClock(),
    });
    expect((await second.send(invite())).error?.code).toBe('UNAUTHORIZED');
  });
});

describe('credentials', () => {
  it('passes NO_CREDENTIALS / TOKEN_EXPIRED through without calling MPSD', async () => {
    for (const code of ['NO_CREDENTIALS', 'TOKEN_EXPIRED'] as const) {
      const source: AuthorizationSource = {
        current: async () => {
          throw new HandleStudioError(code, `${code}: sign in again.`);
        },
        renew: async () => AUTH,
      };
      const { client, server } = await setup(() => ({ status: 201 }), { authorization: source });
      const exchange = await client.send(invite());
      expect(exchange.error?.code).toBe(code);
      expect(server.calls).toHaveLength(0);
      await server.close();
    }
  });

  it('refuses a stored value a header cannot carry, without sending it', async () => {
    const { client, server } = await setup(() => ({ status: 201 }), {
      authorization: { current: async () => `${AUTH}\r\nX-Injected: 1`, renew: async () => AUTH },
    });
    const exchange = await client.send(invite());
    expect(exchange.error?.code).toBe('NO_CREDENTIALS');
    expect(exchange.error?.message).not.toContain(TOKEN);
    expect(server.calls).toHaveLength(0);
  });
});

describe('429 and 503', () => {
  it('waits Retry-After (+ jitter) and sends the invite again, creating it once', async () => {
    const { client, server, clock } = await setup((_, index) =>
      index === 0
        ? {
            status: 429,
            headers: { 'Retry-After': '3' },
            body: { version: 1, currentRequests: 31, maxRequests: 30, periodInSeconds: 15, limitType: 'rate' },
          }
        : { status: 201, body: { id: HANDLE_ID } },
    );
    const exchange = await client.send(invite());
    expect(exchange.error).toBeUndefined();
    expect(server.calls).toHaveLength(2);
    expect(clock.sleeps).toEqual([3000 * 1.1]);
  });

  it('gives up after maxThrottleRetries with THROTTLED and the limits from the 429 body', async () => {
    const { client, server } = await setup(
      () => ({
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { version: 1, currentRequests: 45, maxRequests: 30, periodInSeconds: 15, limitType: 'rate' },
      }),
      { maxThrottleRetries: 2 },
    );
    const exchange = await client.send(invite());
    expect(server.calls).toHaveLength(3);
    expect(exchange.error?.code).toBe('THROTTLED');
    expect(exchange.error?.details).toMatchObject({
      currentRequests: 45,
      maxRequests: 30,
      periodInSeconds: 15,
      limitType: 'rate',
      retryAfterMs: 1000,
    });
    expect(exchange.error?.message).toContain('at most 30 per 15 s');
  });

  it('does not wait out an absurd Retry-After', async () => {
    const { client, server, clock } = await setup(() => ({
      status: 503,
      headers: { 'Retry-After': '3600' },
      body: 'Service is overloaded.',
    }));
    const exchange = await client.send(invite());
    expect(exchange.error?.code).toBe('SERVICE_UNAVAILABLE');
    expect(exchange.error?.message).toContain('Service is overloaded.');
    expect(server.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a 503 after its Retry-After, and a 429 holds back the rate budget', async () => {
    const { client, server, clock } = await setup((_, index) =>
      index === 0 ? { status: 503, headers: { 'Retry-After': '2' } } : { status: 201, body: { id: HANDLE_ID } },
    );
    const budget = createRateBudget({ clock });
    const exchange = await client.send(invite(), { budget });
    expect(exchange.error).toBeUndefined();
    expect(server.calls).toHaveLength(2);
    // The budget was told to pause 2 s, so the retry's take() also waited for it.
    expect(clock.sleeps.some((ms) => ms >= 2000 && ms <= 2000 * 1.2)).toBe(true);
  });
});

describe('a Retry-After of a day', () => {
  const DAY = 86_400_000;
  const throttledForADay =
    (retryAfter: string): MpsdScript =>
    () => ({
      status: 429,
      headers: { 'Retry-After': retryAfter },
      body: { version: 1, currentRequests: 301, maxRequests: 300, periodInSeconds: 300, limitType: 'rate' },
    });

  for (const [form, header] of [
    ['seconds', () => String(DAY / 1000)],
    ['an HTTP date', (now: number) => new Date(now + DAY).toUTCString()],
  ] as const) {
    it(`(${form}) is not waited: THROTTLED at once saying when, and the next call of that user fails just as fast`, async () => {
      const start = createVirtualClock().now();
      const { client, server, clock } = await setup(throttledForADay(header(start)));
      const budget = createRateBudget({ clock });
      const retryAt = new Date(start + DAY).toISOString();

      const first = await client.send(invite(), { budget });
      expect(first.error).toMatchObject({ code: 'THROTTLED', details: { retryAt, retryAfterMs: DAY, maxRequests: 300 } });
      expect(first.error?.message).toContain('(in 24 h)');
      expect(first.error?.message).toContain(new Date(start + DAY).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));

      // The next invite and an unrelated read do not go out and do not wait a day.
      const second = await client.send(invite('2814679796296492'), { budget });
      const read = await client.send(sessionGet(SESSION_REF), { budget });
      for (const exchange of [second, read]) {
        expect(exchange.error).toMatchObject({ code: 'THROTTLED', details: { retryAt, retryAfterMs: DAY } });
        expect(exchange.attempts).toBe(0);
      }
      expect(server.calls).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    });
  }

  it("pauses only that profile: another profile's budget in the same shared file still sends", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hs-client-budget-'));
    try {
      const { client, server, clock } = await setup((call) =>
        call.headers.authorization === AUTH
          ? { status: 429, headers: { 'Retry-After': String(DAY / 1000) } }
          : { status: 201, body: { id: HANDLE_ID } },
      );
      const budgets = openSharedRateBudgets({ dataDir, clock, onFallback: () => expect.unreachable('the budget file works') });
      expect((await client.send(invite(), { budget: budgets.budgetFor('profile-a') })).error?.code).toBe('THROTTLED');
      const other = createMpsdClient({
        fetch: globalThis.fetch,
        baseUrl: server.url,
        contractVersion: 107,
        locale: 'en-US',
        authorization: credentials([FRESH_AUTH]),
        clock,
      });
      const sent = await other.send(invite(), { budget: budgets.budgetFor('profile-b') });
      expect(sent.error).toBeUndefined();
      expect(sent.handleId).toBe(HANDLE_ID);
      budgets.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the retry table (mpsd-handles.md, section 4)', () => {
  for (const status of [502, 503, 504]) {
    it(`an invite answered ${status} without Retry-After is outcome unknown and never sent twice`, async () => {
      const { client, server, clock } = await setup(() => ({ status, body: 'Upstream did not answer.' }));
      const exchange = await client.send(invite());
      expect(exchange.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', details: { status, reason: 'unclear-answer' } });
      expect(exchange.error?.message).toMatch(/may or may not have been applied/);
      expect(server.calls).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    });
  }

  it('retries a read answered 503 without Retry-After, and 408, with backoff from 2 s', async () => {
    const { client, server, clock } = await setup((_, index) =>
      index === 0 ? { status: 503 } : index === 1 ? { status: 408 } : { status: 200, body: {} },
    );
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.error).toBeUndefined();
    expect(server.calls).toHaveLength(3);
    expect(clock.sleeps).toEqual([2000 * 1.1, 4000 * 1.1]);
  });

  it('does not retry a status outside the table (501), even for a read', async () => {
    const { client, server } = await setup(() => ({ status: 501, body: 'Not implemented.' }));
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.error?.code).toBe('MPSD_REJECTED');
    expect(server.calls).toHaveLength(1);
  });

  it('a 503 with a Retry-After over the bound says when, so a queued item can wait for it', async () => {
    const { client, clock } = await setup(() => ({ status: 503, headers: { 'Retry-After': '7200' } }));
    const exchange = await client.send(invite());
    expect(exchange.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { retryAt: new Date(clock.now() + 7_200_000).toISOString(), retryAfterMs: 7_200_000 },
    });
    expect(exchange.error?.message).toContain('(in 2 h)');
  });
});

describe('network failures', () => {
  it('reports OFFLINE when nothing listens (nothing was sent)', async () => {
    const { client, server } = await setup(() => ({ status: 201 }));
    await server.close();
    const exchange = await client.send(invite());
    expect(exchange.error?.code).toBe('OFFLINE');
    expect(exchange.error?.message).toMatch(/nothing was sent/);
    expect(exchange.error?.details?.networkCode).toBe('ECONNREFUSED');
  });

  it('reports OFFLINE for a port fetch refuses to use (:9): nothing left the machine', async () => {
    const clock = createVirtualClock();
    const client = createMpsdClient({
      fetch: globalThis.fetch,
      baseUrl: 'http://127.0.0.1:9',
      contractVersion: 107,
      locale: 'en-US',
      authorization: credentials([AUTH]),
      clock,
    });
    const exchange = await client.send(invite());
    expect(exchange.error).toMatchObject({ code: 'OFFLINE', details: { networkCode: 'BLOCKED_PORT' } });
    expect(exchange.error?.message).toMatch(/nothing was sent.*another port/);
  });

  it('reports OFFLINE for a host name that does not resolve', async () => {
    const clock = createVirtualClock();
    const client = createMpsdClient({
      fetch: globalThis.fetch,
      baseUrl: 'http://handle-studio-test.invalid',
      contractVersion: 107,
      locale: 'en-US',
      authorization: credentials([AUTH]),
      clock,
    });
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.error?.code).toBe('OFFLINE');
  });

  it('gives OUTCOME_UNKNOWN for an invite whose answer never came, and sends it only once', async () => {
    const { client, server } = await setup(() => 'hang', { timeoutMs: 300 });
    const exchange = await client.send(invite());
    expect(exchange.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(exchange.error?.message).toMatch(/may or may not/);
    expect(server.calls).toHaveLength(1);
  });

  it('gives TIMEOUT for a read whose answer never came', async () => {
    const { client } = await setup(() => 'hang', { timeoutMs: 300 });
    const exchange = await client.send(getHandle(HANDLE_ID));
    expect(exchange.error?.code).toBe('TIMEOUT');
  });

  it('gives OUTCOME_UNKNOWN when the connection drops after an invite went out', async () => {
    const { client, server } = await setup(() => 'drop');
    const exchange = await client.send(invite());
    expect(exchange.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(exchange.error?.details?.reason).toBe('connection-lost');
    expect(server.calls).toHaveLength(1);
  });
});

describe('cancellation', () => {
  it('sends nothing when already cancelled', async () => {
    const { client, server } = await setup(() => ({ status: 201 }));
    const exchange = await client.send(invite(), { signal: AbortSignal.abort() });
    expect(exchange.error?.code).toBe('CANCELLED');
    expect(server.calls).toHaveLength(0);
  });

  it('stops during a Retry-After wait without sending again', async () => {
    const controller = new AbortController();
    const { client, server } = await setup(() => {
      queueMicrotask(() => controller.abort());
      return { status: 429, headers: { 'Retry-After': '5' } };
    });
    const exchange = await client.send(invite(), { signal: controller.signal });
    expect(exchange.error?.code).toBe('CANCELLED');
    expect(exchange.response?.status).toBe(429);
    expect(server.calls).toHaveLength(1);
  });

  it('cuts off a read in flight', async () => {
    const controller = new AbortController();
    const { client } = await setup(() => {
      controller.abort();
      return 'hang';
    });
    const exchange = await client.send(getHandle(HANDLE_ID), { signal: controller.signal });
    expect(exchange.error?.code).toBe('CANCELLED');
  });

  it('lets an invite in flight finish, so its outcome is known', async () => {
    const controller = new AbortController();
    const { client } = await setup(async () => {
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 201, body: { id: HANDLE_ID } };
    });
    const exchange = await client.send(invite(), { signal: controller.signal });
    expect(exchange.error).toBeUndefined();
    expect(exchange.handleId).toBe(HANDLE_ID);
  });
});

describe('wires from storage', () => {
  it('refuses a path that would take the token to another host, and a header with a line break', async () => {
    const { client, server } = await setup(() => ({ status: 200, body: {} }));
    const moved = await client.send({ ...getHandle(HANDLE_ID), path: '@attacker.example/handles' });
    expect(moved.error?.code).toBe('VALIDATION');
    const split = await client.send({ ...invite(), headers: { 'Content-Type': 'application/json\r\nX-Evil: 1' } });
    expect(split.error?.code).toBe('VALIDATION');
    expect(server.calls).toHaveLength(0);
  });
});

describe('options', () => {
  it('refuses a bad base URL, locale or timeout with a message that says how to fix it', () => {
    const base = {
      fetch: globalThis.fetch,
      contractVersion: 107 as const,
      authorization: credentials([AUTH]),
      clock: createVirtualClock(),
    };
    expect(() => createMpsdClient({ ...base, baseUrl: 'sessiondirectory.xboxlive.com', locale: 'en-US' })).toThrow(/not a URL/);
    expect(() => createMpsdClient({ ...base, baseUrl: 'https://sessiondirectory.xboxlive.com/handles', locale: 'en-US' })).toThrow(
      /host only/,
    );
    expect(() => createMpsdClient({ ...base, baseUrl: 'https://sessiondirectory.xboxlive.com', locale: 'en-US\r\nX: 1' })).toThrow(
      /language tag/,
    );
    expect(() => createMpsdClient({ ...base, baseUrl: 'https://sessiondirectory.xboxlive.com', locale: 'en-US', timeoutMs: -1 })).toThrow(
      /timeoutMs/,
    );
  });
});
