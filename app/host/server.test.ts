/**
 * Browser mode's HTTP boundary, over real loopback sockets: the checks that keep a web page
 * (or a DNS-rebound hostname) away from the API, and the event stream.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventHub } from '../core/event-hub.ts';
import { events } from '../shared/contract/index.ts';
import { startHost, type Host } from './server.ts';

const TOKEN = 'test-token-0123456789';
let staticDir: string;
let host: Host;
const hub = createEventHub(events);
const calls: Array<{ name: string; input: unknown }> = [];

beforeEach(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'handle-studio-host-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Handle Studio</title>');
  calls.length = 0;
  host = await startHost({
    dispatch: async (name, input) => {
      calls.push({ name, input });
      return { ok: true, value: { echoed: name } };
    },
    subscribe: hub.subscribe,
    staticDir,
    token: TOKEN,
  });
});

afterEach(async () => {
  await host.close();
  rmSync(staticDir, { recursive: true, force: true });
});

/** A raw request, so Host and Origin can be set to what an attacker's page would send. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { port } = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const apiHeaders = { 'content-type': 'application/json', 'x-handle-studio-token': TOKEN };

describe('browser-mode host', () => {
  it('prints a URL that carries the token and answers calls that present it', async () => {
    expect(host.url).toBe(`${host.origin}/?token=${TOKEN}`);
    const answer = await raw('/api/call/getAppInfo', { method: 'POST', headers: apiHeaders, body: '{}' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ ok: true, value: { echoed: 'getAppInfo' } });
  });

  it('refuses a DNS-rebound Host header before anything else', async () => {
    const answer = await raw('/api/call/getAppInfo', {
      method: 'POST',
      headers: { ...apiHeaders, host: `attacker.example:${new URL(host.origin).port}` },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it('refuses a call from another origin even with the token', async () => {
    const answer = await raw('/api/call/getAppInfo', {
      method: 'POST',
      headers: { ...apiHeaders, origin: 'http://127.0.0.1:1' },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it('refuses calls without the token or with a wrong one, and never echoes the token', async () => {
    for (const token of [undefined, `${TOKEN}x`, '']) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== undefined) headers['x-handle-studio-token'] = token;
      const answer = await raw('/api/call/getAppInfo', { method: 'POST', headers, body: '{}' });
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain(TOKEN);
    }
    expect(calls).toHaveLength(0);
  });

  it('answers malformed JSON with a VALIDATION value and oversized bodies with 413', async () => {
    const malformed = await raw('/api/call/getAppInfo', { method: 'POST', headers: apiHeaders, body: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const huge = await raw('/api/call/getAppInfo', { method: 'POST', headers: apiHeaders, body: `"${'x'.repeat(1024 * 1024 + 10)}"` });
    expect(huge.status).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('refuses channel names that are not identifiers and bodies that are not JSON', async () => {
    expect((await raw('/api/call/..%2Fsecret', { method: 'POST', headers: apiHeaders, body: '{}' })).status).toBe(404);
    expect(
      (await raw('/api/call/getAppInfo', { method: 'POST', headers: { ...apiHeaders, 'content-type': 'text/plain' }, body: '{}' })).status,
    ).toBe(415);
  });

  it('serves the page with the Content-Security-Policy and nothing outside its folder', async () => {
    const page = await raw('/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await raw('/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await raw('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('answers a path with malformed percent-encoding 400, and keeps serving', async () => {
    for (const path of ['/%E0%A4%A', '/100%', '/assets/%zz.js']) {
      const answer = await raw(path);
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('percent-encoding');
    }
    expect((await raw('/')).status).toBe(200);
  });

  it('streams contract events to holders of the token', async () => {
    const { port } = new URL(host.origin);
    const received = await new Promise<string>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: `/api/events?token=${TOKEN}` }, (response) => {
        expect(response.headers['content-type']).toContain('text/event-stream');
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('event: outboxChanged')) {
            request.destroy();
            resolve(text);
          }
        });
        // Publish once the stream is open.
        setTimeout(() => hub.publish('outboxChanged', { counts: { queued: 1, sending: 0, sent: 0, failed: 0, 'outcome-unknown': 0 } }), 50);
      });
      request.on('error', reject);
      request.end();
    });
    expect(received).toContain('"queued":1');
  });
});
