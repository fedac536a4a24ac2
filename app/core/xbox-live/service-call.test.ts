/**
 * The retry loop both clients share, driven through each client against a scripted loopback
 * server: the same answers must mean the same thing for an MPSD call and an MPA call. The
 * MPSD client's own test (../mpsd/client.test.ts) covers MPSD's wording and options; this
 * file is where MPA's calls meet the cases that were only ever tested for MPSD.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { mpaWireFor } from '../../shared/mpa/wire.ts';
import { getHandle, inviteSend } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type InviteSendRequest } from '../../shared/mpsd/requests.ts';
import { AUTHORIZATION_PLACEHOLDER, type ReceivedResponse, type WireRequest } from '../../shared/mpsd/wire.ts';
import type { AppError } from '../../shared/errors.ts';
import { hiddenCharacterIn } from '../../shared/visible-text.ts';
import { createMpaClient } from '../mpa/client.ts';
import { createMpsdClient } from '../mpsd/client.ts';
import { createRateBudget, LONGEST_PAUSE_MS } from '../mpsd/rate-budget.ts';
import {
  echoAuthorization,
  startScriptedMpsd,
  type MpsdScript,
  type ScriptedAnswer,
  type ScriptedMpsd,
} from '../mpsd/scripted-mpsd.fixture.ts';
import { createVirtualClock, type VirtualClock } from '../mpsd/virtual-clock.fixture.ts';
import type { AuthorizationSource } from '../ports.ts';
import type { SendOptions } from './service-call.ts';

// '+' and '/' every few characters: once JSON escapes them, no stretch of the raw text is long enough to be recognised.
const TOKEN = 'eyJhbGciOi+JSU0EtT0F/FUCJ9.sec+ret-tok/en-val+ue-mor/e-pi+eces';
const AUTH = `XBL3.0 x=1234567890;${TOKEN}`;
const HANDLE_ID = '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13';
const XUID = '2814679796296491';

/** What a test needs of either client: an invite (not idempotent) and a read, and what came back. */
interface Outcome {
  response?: ReceivedResponse;
  error?: AppError;
  attempts?: number;
}
interface ClientUnderTest {
  invite(options?: SendOptions): Promise<Outcome>;
  read(options?: SendOptions): Promise<Outcome>;
}
interface Setup {
  baseUrl: string;
  clock: VirtualClock;
  authorization: AuthorizationSource;
  timeoutMs?: number;
}

/** `created`: the service's own answer to the invite (MPSD: 201 and the handle document; MPA: 204, no body). */
const clients: { service: string; created: ScriptedAnswer; create(setup: Setup): ClientUnderTest }[] = [
  {
    service: 'MPSD',
    created: { status: 201, body: { id: HANDLE_ID, type: 'invite', version: 1 } },
    create: ({ baseUrl, clock, authorization, timeoutMs }) => {
      const client = createMpsdClient({
        fetch: globalThis.fetch,
        baseUrl,
        contractVersion: 107,
        locale: 'en-US',
        authorization,
        clock,
        random: () => 0.5,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      const request = parseHandleRequest({
        kind: 'invite.send',
        sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' },
        invitedXuids: [XUID],
        titleId: '0x4D2',
      });
      const invite = inviteSend(request as InviteSendRequest)[0] as WireRequest;
      return {
        invite: (options) => client.send(invite, options),
        read: (options) => client.send(getHandle(HANDLE_ID), options),
      };
    },
  },
  {
    service: 'MPA',
    created: { status: 204 },
    create: ({ baseUrl, clock, authorization, timeoutMs }) => {
      const client = createMpaClient({
        fetch: globalThis.fetch,
        baseUrl,
        authorization,
        clock,
        random: () => 0.5,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      const at = { sequenceNumber: 1, now: clock.now() };
      const invite = mpaWireFor({ kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [XUID] }, at);
      const read = mpaWireFor({ kind: 'mpa.activity.get', titleId: '1234', xuid: XUID }, at);
      return {
        invite: (options) => client.send(invite, options),
        read: (options) => client.send(read, options),
      };
    },
  },
];

let server: ScriptedMpsd | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const noRenewal: AuthorizationSource = {
  current: async () => AUTH,
  renew: async () => {
    throw new HandleStudioError('UNAUTHORIZED', 'no renewal in this test');
  },
};

describe.each(clients)('$service client, through the shared loop', ({ service, created, create }) => {
  async function setup(script: MpsdScript, options: { timeoutMs?: number } = {}) {
    server = await startScriptedMpsd(script);
    const clock = createVirtualClock();
    return { client: create({ baseUrl: server.url, clock, authorization: noRenewal, ...options }), clock, server };
  }

  it('never records a token echoed in a response header or in a JSON body that escapes + and /', async () => {
    const { client } = await setup((call) => echoAuthorization(call));
    const outcome = await client.invite();
    const recorded = JSON.stringify(outcome);
    for (const piece of TOKEN.split(/[+/]/)) expect(recorded).not.toContain(piece);
    expect(outcome.response?.headers['x-echoed-authorization']).toBe(AUTHORIZATION_PLACEHOLDER);
    expect(outcome.response?.json).toMatchObject({ authorization: AUTHORIZATION_PLACEHOLDER });
  });

  it('waits out a 429 Retry-After (+ jitter), pauses the budget that long, and sends the invite once more', async () => {
    const { client, clock, server } = await setup((_, index) => (index === 0 ? { status: 429, headers: { 'Retry-After': '3' } } : created));
    const budget = createRateBudget({ clock, windows: [] });
    const paused: number[] = [];
    const outcome = await client.invite({
      budget: { ...budget, backOffUntil: (until: number) => paused.push(until - clock.now()) },
    });
    expect(outcome.error).toBeUndefined();
    expect(server.calls).toHaveLength(2);
    expect(clock.sleeps).toEqual([3000 * 1.1]);
    expect(paused).toEqual([3000]);
  });

  it.each([
    ['a count of seconds past what a Date holds', '99999999999999'],
    ['a date in the year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ])('an invite answered 429 with %s ends THROTTLED at a readable time a day away, and pauses a day', async (_, retryAfter) => {
    const { client, clock, server } = await setup(() => ({ status: 429, headers: { 'Retry-After': retryAfter } }));
    const budget = createRateBudget({ clock, windows: [] });
    const start = clock.now();
    const outcome = await client.invite({ budget });
    expect(server.calls).toHaveLength(1);
    expect(outcome.error).toMatchObject({
      code: 'THROTTLED',
      details: { status: 429, retryAt: new Date(start + LONGEST_PAUSE_MS).toISOString(), retryAfterMs: LONGEST_PAUSE_MS },
    });
    expect(outcome.error?.message).toMatch(/\(in 24 h\)/);
    // The budget's pause for this endpoint is the same day: the next call is refused with the same time, nothing sent.
    await expect(budget.take(undefined, server.url)).rejects.toMatchObject({
      code: 'THROTTLED',
      details: { retryAfterMs: LONGEST_PAUSE_MS },
    });
  });

  it('retries a read answered 503 without Retry-After with backoff from 2 s, but calls such an invite unknown and sends it once', async () => {
    const { client, clock, server } = await setup((call, index) =>
      call.method === 'GET' && index === 2 ? { status: 200, body: {} } : { status: 503 },
    );
    expect((await client.read()).error).toBeUndefined();
    expect(clock.sleeps).toEqual([2000 * 1.1, 4000 * 1.1]);
    const invite = await client.invite();
    expect(invite.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', details: { status: 503, reason: 'unclear-answer' } });
    expect(server.calls).toHaveLength(4);
  });

  it('an invite whose answer never came is OUTCOME_UNKNOWN and sent once; such a read is TIMEOUT', async () => {
    const { client, server } = await setup(() => 'hang', { timeoutMs: 300 });
    expect((await client.invite()).error).toMatchObject({ code: 'OUTCOME_UNKNOWN', details: { reason: 'timeout' } });
    expect(server.calls).toHaveLength(1);
    expect((await client.read()).error?.code).toBe('TIMEOUT');
  });

  it('a cancelled read in flight is cut off; a cancelled invite in flight runs to its answer, so its outcome is known', async () => {
    let controller = new AbortController();
    const { client } = await setup(async (call) => {
      controller.abort();
      if (call.method === 'GET') return 'hang';
      // The invite's answer comes after the abort has surely been seen.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return created;
    });
    expect((await client.read({ signal: controller.signal })).error?.code).toBe('CANCELLED');
    controller = new AbortController();
    const invite = await client.invite({ signal: controller.signal });
    expect(controller.signal.aborted).toBe(true);
    expect(invite.error).toBeUndefined();
    expect(invite.response?.status).toBe(created.status);
  });

  // mpsd-handles.md §3-4: none of these is the service refusing the call; a 500 can follow the
  // write, a gateway's or proxy's 502/504/408 can follow forwarding it. Reads retry them.
  it.each([500, 502, 504, 408, 501])('an invite answered %i is OUTCOME_UNKNOWN, sent once, never "not sent"', async (status) => {
    const { client, clock, server } = await setup(() => ({ status, body: 'Something went wrong.' }));
    const invite = await client.invite();
    expect(invite.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', details: { status, reason: 'unclear-answer' } });
    expect(invite.error?.message).toMatch(/may or may not have been applied/);
    expect(server.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([400, 403, 404, 409])('an invite answered %i is the service refusing it (not applied), sent once', async (status) => {
    const { client, server } = await setup(() => ({ status, body: 'Refused.' }));
    const invite = await client.invite();
    expect(invite.error?.code).not.toBe('OUTCOME_UNKNOWN');
    expect(invite.error?.details).toMatchObject({ status });
    expect(server.calls).toHaveLength(1);
  });

  it.each([
    ["a proxy's login page", { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login\u001b[31m</html>' }],
    ['an empty JSON object', { status: 201, body: {} }],
    ['broken JSON', { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id": "47ca' }],
  ] as const)('an invite answered 2xx with %s is OUTCOME_UNKNOWN saying what came back', async (_, answer) => {
    const { client, server } = await setup(() => answer);
    const invite = await client.invite();
    expect(invite.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', details: { status: answer.status, reason: 'not-the-services-answer' } });
    expect(invite.error?.message).toContain(`answered ${answer.status} (`);
    expect(invite.error?.message).toMatch(new RegExp(`may or may not be ${service}.*Check the endpoint`));
    // What came back is quoted with its control characters shown, not acted on.
    expect(hiddenCharacterIn(invite.error?.message ?? '')).toBeUndefined();
    expect(server.calls).toHaveLength(1);
  });

  it('a read answered 200 is a read, whatever its body (only writes are checked)', async () => {
    const { client } = await setup(() => ({ status: 200, body: {} }));
    expect((await client.read()).error).toBeUndefined();
  });
});
