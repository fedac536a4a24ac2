/**
 * The page's side of browser mode's wire (app/shared/contract/browser-transport.ts) against the
 * real host on a loopback port: a call that works, and the three failures the page must tell
 * apart (an HTTP error from the app, a refused token, no answer at all).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventHub } from '../core/event-hub.ts';
import { callOverHttp, eventsPath, type CallFetch } from '../shared/contract/browser-transport.ts';
import { events } from '../shared/contract/index.ts';
import { startHost, type Host } from './server.ts';

const TOKEN = 'transport-token-0123456789';
let staticDir: string;
let host: Host;
let dispatchFails = false;

beforeEach(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'handle-studio-transport-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Handle Studio</title>');
  dispatchFails = false;
  host = await startHost({
    dispatch: async (name) => {
      if (dispatchFails) throw new Error('the dispatcher broke');
      return { ok: true, value: { echoed: name } };
    },
    subscribe: createEventHub(events).subscribe,
    staticDir,
    token: TOKEN,
  });
});

afterEach(async () => {
  await host.close();
  rmSync(staticDir, { recursive: true, force: true });
});

/** What the page does with `fetch`, with the host's origin in front (Node's fetch needs a whole URL). */
const pageFetch: CallFetch = (path, init) => fetch(`${host.origin}${path}`, init);

describe('browser-mode calls', () => {
  it('a call reaches the dispatcher and its Result comes back as it was', async () => {
    expect(await callOverHttp(pageFetch, TOKEN, 'getAppInfo', {})).toEqual({ ok: true, value: { echoed: 'getAppInfo' } });
  });

  it('a body over 1 MiB is the app answering with an error (HTTP 413), not "not answering"', async () => {
    const answer = await callOverHttp(pageFetch, TOKEN, 'saveDraft', { notes: 'x'.repeat(1024 * 1024 + 1) });
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'Handle Studio answered with an error (HTTP 413): The request is larger than 1 MiB.',
        details: { status: 413 },
      },
    });
  });

  it('a dispatcher that throws is the app answering with an error (HTTP 500)', async () => {
    dispatchFails = true;
    const answer = await callOverHttp(pageFetch, TOKEN, 'getAppInfo', {});
    expect(answer).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Handle Studio answered with an error (HTTP 500): Internal error.', details: { status: 500 } },
    });
  });

  it('a wrong token says to open the printed URL', async () => {
    const answer = await callOverHttp(pageFetch, 'not-the-token', 'getAppInfo', {});
    expect(answer.ok ? null : answer.error.code).toBe('UNAUTHORIZED');
  });

  it('a host that is gone is "not answering"', async () => {
    await host.close();
    const answer = await callOverHttp(pageFetch, TOKEN, 'getAppInfo', {});
    expect(answer).toEqual({
      ok: false,
      error: { code: 'OFFLINE', message: 'Handle Studio (browser mode) is not answering: is it still running?' },
    });
  });

  it('the event stream opens at the path and with the token the page uses', async () => {
    const stop = new AbortController();
    const response = await fetch(`${host.origin}${eventsPath(TOKEN)}`, { signal: stop.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    stop.abort();
  });
});
