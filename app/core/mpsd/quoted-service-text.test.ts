/**
 * MPSD's own sentence is quoted in the error: a sentence that already ends in a full stop is
 * not given a second one ('"The session already exists.".'), and one without gets one.
 */
import { afterEach, expect, it } from 'vitest';
import { getHandle } from '../../shared/mpsd/builders.ts';
import { createMpsdClient } from './client.ts';
import { startScriptedMpsd, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';
import { createVirtualClock } from './virtual-clock.fixture.ts';

const HANDLE_ID = '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13';
let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function errorFor(status: number, body: string): Promise<string | undefined> {
  mpsd = await startScriptedMpsd(() => ({ status, body }));
  const client = createMpsdClient({
    fetch: globalThis.fetch,
    baseUrl: mpsd.url,
    contractVersion: 107,
    locale: 'en-US',
    authorization: {
      current: () => Promise.resolve('XBL3.0 x=1;eyJ.token'),
      renew: () => Promise.resolve('XBL3.0 x=1;eyJ.token'),
      refused: () => undefined,
    },
    clock: createVirtualClock(),
    random: () => 0.5,
  });
  return (await client.send(getHandle(HANDLE_ID))).error?.message;
}

it.each([
  [
    400,
    'The request body is missing the required field invitedXuid.',
    'MPSD refused the request as malformed (400): "The request body is missing the required field invitedXuid."',
  ],
  [
    403,
    'The requested service config cannot be accessed!',
    'MPSD refused access (403): "The requested service config cannot be accessed!" Check the sandbox',
  ],
  [404, "The requested handle wasn't found.", 'MPSD found nothing there (404): "The requested handle wasn\'t found." Check the SCID'],
  [
    409,
    'Constant system.maxMembersCount is already set by the template.',
    'The request conflicts with the session (409): "Constant system.maxMembersCount is already set by the template."',
  ],
])('%i: the quoted sentence ends the sentence once', async (status, said, expected) => {
  const message = await errorFor(status, said);
  expect(message?.startsWith(expected)).toBe(true);
  expect(message).not.toMatch(/[.!?]"\./);
});

it('a quoted text without its own full stop is ended by one', async () => {
  expect(await errorFor(412, 'Session exists')).toBe('The session is not in the state the request expected (412): "Session exists".');
});
