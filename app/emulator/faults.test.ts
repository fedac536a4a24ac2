import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../shared/errors.ts';
import { readFaultRule } from './faults.ts';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { callAs, inviteBody, sessionPath, userAt } from './test-calls.fixture.ts';

let mpsd: LocalMpsd;

beforeEach(async () => {
  mpsd = await startLocalMpsd({ rateLimits: false });
});

afterEach(async () => {
  await mpsd.stop();
});

function sendInvite(signal?: AbortSignal) {
  return callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', {
    body: inviteBody(userAt(mpsd, 1).xuid),
    ...(signal === undefined ? {} : { signal }),
  });
}

describe('status faults', () => {
  it('answers 503 with Retry-After and the given text, for `count` requests, then serves normally', async () => {
    mpsd.faults.set({ kind: 'status', status: 503, retryAfterSeconds: 7, text: 'Overloaded, try later.', count: 2 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await sendInvite();
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.text).toBe('Overloaded, try later.');
      expect(answer.headers.get('x-xblcorrelationid')).toBeTruthy();
    }
    expect((await sendInvite()).status).toBe(201);
    expect(mpsd.faults.current()).toBeNull();
    expect(mpsd.invites()).toHaveLength(1);
  });

  it('applies only to paths matching pathPattern', async () => {
    mpsd.faults.set({ kind: 'status', status: 500, pathPattern: '^/handles$' });
    const failed = await sendInvite();
    expect(failed.status).toBe(500);
    expect(failed.text).toBe('Internal server error.');
    expect((await callAs(mpsd, userAt(mpsd, 0), 'GET', sessionPath('lobby'))).status).toBe(204);
    mpsd.faults.clear();
    expect((await sendInvite()).status).toBe(201);
  });
});

describe('network faults', () => {
  it('drops the connection after reading the request: the client sees a network error and nothing is created', async () => {
    mpsd.faults.set({ kind: 'drop', count: 1 });
    await expect(sendInvite()).rejects.toThrow(TypeError);
    expect(mpsd.invites()).toHaveLength(0);
    expect(mpsd.stats().requests).toBe(1);
    expect((await sendInvite()).status).toBe(201);
  });

  it('hangs without answering until the client gives up, and stop() still returns', async () => {
    mpsd.faults.set({ kind: 'hang' });
    const giveUp = new AbortController();
    const pending = sendInvite(giveUp.signal);
    // Abort once the server has the request in hand, so the hang (not the abort) is what the client met.
    while (mpsd.stats().requests === 0) await new Promise((resolve) => setImmediate(resolve));
    giveUp.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(mpsd.invites()).toHaveLength(0);
  });

  it('delays the answer with latency but still serves it', async () => {
    mpsd.faults.set({ kind: 'latency', ms: 20, count: 1 });
    expect((await sendInvite()).status).toBe(201);
  });

  it('never applies to the control API', async () => {
    mpsd.faults.set({ kind: 'drop' });
    const stats = await fetch(`${mpsd.url}/_emulator/stats`);
    expect(stats.status).toBe(200);
  });
});

describe('fault rules are checked', () => {
  it.each([
    [null, 'A fault rule must be an object'],
    [{ kind: 'explode' }, 'Fault kind must be one of latency, status, drop, hang.'],
    [{ kind: 'status', status: 502 }, 'Fault status must be 500 or 503.'],
    [{ kind: 'latency', ms: -1 }, 'Latency ms must be a whole number from 0 to 120000.'],
    [{ kind: 'drop', count: 0 }, 'Fault count must be a whole number of requests, 1 or more.'],
    [{ kind: 'drop', ms: 5 }, 'Fault field ms does not apply to kind drop; remove it.'],
    [{ kind: 'hang', pathPattern: '([' }, 'Fault pathPattern "([" is not a valid regular expression.'],
    [{ kind: 'status', status: 503, retryAfterSeconds: 1.5 }, 'retryAfterSeconds must be a whole number of seconds, 1 or more.'],
  ])('refuses %o', (rule, message) => {
    expect(() => readFaultRule(rule)).toThrow(HandleStudioError);
    expect(() => readFaultRule(rule)).toThrow(message);
  });
});
