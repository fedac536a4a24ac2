/**
 * The curl export is only useful if a shell runs it unchanged, so this runs it: real bash,
 * real curl, against a loopback server, with a context full of characters shells care about.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { buildWireRequests } from '../../shared/mpsd/builders.ts';
import { toCurl } from '../../shared/mpsd/http-export.ts';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import { startScriptedMpsd, type ScriptedMpsd } from './scripted-mpsd.fixture.ts';

const run = promisify(execFile);

let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

it('sends exactly the previewed body and headers when pasted into bash', async () => {
  mpsd = await startScriptedMpsd(() => ({ status: 201, body: {} }));
  const context = `it's $HOME \`id\` "quoted" \\ ; & {{x}}`;
  const wires = buildWireRequests(
    parseHandleRequest({
      kind: 'invite.send',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' },
      invitedXuids: ['111', '222'],
      titleId: '0x4D2',
      context,
    }),
  );
  const script = toCurl(wires, mpsd.url, 107, 'en-US').replaceAll('curl ', 'curl --silent --output /dev/null ');
  await run('bash', ['-c', script], { timeout: 15_000 });

  expect(mpsd.calls).toHaveLength(2);
  expect(mpsd.calls.map((call) => call.body)).toEqual(wires.map((wire) => JSON.stringify(wire.body)));
  expect((mpsd.calls[0]?.json as { inviteAttributes: { context: string } }).inviteAttributes.context).toBe(context);
  expect(mpsd.calls[0]?.headers.authorization).toBe(AUTHORIZATION_PLACEHOLDER);
  expect(mpsd.calls[0]?.headers['x-xbl-contract-version']).toBe('107');
  expect(mpsd.calls[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
});
