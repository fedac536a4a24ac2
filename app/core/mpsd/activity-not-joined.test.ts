/**
 * MPSD's 404 for an activity means the user has not joined the session (a handle never creates
 * one), so the message says to join first; for other calls a 404 still points at the ids.
 */
import { afterEach, expect, it } from 'vitest';
import { activitySet, getHandle } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type ActivitySetRequest } from '../../shared/mpsd/requests.ts';
import { createMpsdClient } from './client.ts';
import { startScriptedMpsd, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function notFoundClient() {
  mpsd = await startScriptedMpsd(() => ({ status: 404, body: "The requested session wasn't found." }));
  return createMpsdClient({
    fetch: globalThis.fetch,
    baseUrl: mpsd.url,
    contractVersion: 107,
    locale: 'en-US',
    authorization: { current: async () => 'XBL3.0 x=1;eyJ.token', renew: async () => 'XBL3.0 x=1;eyJ.token', refused: () => undefined },
    clock: createVirtualClock(),
    random: () => 0.5,
  });
}

it('a 404 for an activity says to join the session first, not to check the ids', async () => {
  const client = await notFoundClient();
  const request = parseHandleRequest({
    kind: 'activity.set',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'never-joined' },
  });
  const exchange = await client.send(activitySet(request as ActivitySetRequest));
  expect(exchange.error?.code).toBe('NOT_FOUND');
  expect(exchange.error?.message).toContain('Join the session first, then set the activity.');
  expect(exchange.error?.message).not.toContain('Check the SCID');
});

it('a 404 for another call still points at the ids', async () => {
  const client = await notFoundClient();
  const exchange = await client.send(getHandle('47ca0049-a5ba-4bc1-aa22-fcf834ce4c13'));
  expect(exchange.error?.message).toContain('Check the SCID, template, session name or handle id.');
});
