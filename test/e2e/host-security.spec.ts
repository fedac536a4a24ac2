/**
 * Browser mode serves the real API on 127.0.0.1: it must refuse calls without the per-run
 * token (401) and calls from another web page's origin (403), and answer ours.
 */
import { expect, test } from './fixtures.ts';

test('refuses an API call without the per-run token', async ({ request, studio }) => {
  const response = await request.post(`${studio.origin}/api/call/getAppInfo`, {
    headers: { 'content-type': 'application/json' },
    data: {},
  });
  expect(response.status()).toBe(401);
  expect(await response.text()).not.toContain(studio.token);
});

test('refuses an API call with a wrong token', async ({ request, studio }) => {
  const response = await request.post(`${studio.origin}/api/call/getAppInfo`, {
    headers: { 'content-type': 'application/json', 'x-handle-studio-token': `${studio.token}x` },
    data: {},
  });
  expect(response.status()).toBe(401);
});

test('refuses a call carrying a foreign Origin even with the right token', async ({ request, studio }) => {
  const response = await request.post(`${studio.origin}/api/call/getAppInfo`, {
    headers: {
      'content-type': 'application/json',
      'x-handle-studio-token': studio.token,
      origin: 'https://attacker.example',
    },
    data: {},
  });
  expect(response.status()).toBe(403);
});

test('answers our own page with the token', async ({ request, studio }) => {
  const response = await request.post(`${studio.origin}/api/call/getAppInfo`, {
    headers: { 'content-type': 'application/json', 'x-handle-studio-token': studio.token, origin: studio.origin },
    data: {},
  });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { ok: boolean; value?: { shell: string } };
  expect(body).toMatchObject({ ok: true, value: { shell: 'browser' } });
});

test('the event stream needs the token too', async ({ request, studio }) => {
  const response = await request.get(`${studio.origin}/api/events`);
  expect(response.status()).toBe(401);
});
