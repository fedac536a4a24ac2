/**
 * A token pasted into a field (an invite's context, an MPA invite's connection string) instead
 * of where tokens go: the call is refused before it leaves (the service would keep the token and
 * show it to the invitee's game), and what is recorded of it (History, its exports) is scrubbed.
 * Checked on the wire and on the raw bytes of every file the data folder holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './cli-process.fixture.ts';
import { sessionFlags, useScriptedMpsd } from './cli-world.fixture.ts';

// Like the local MPSD's tokens: random to a person, yet not shaped like one the CLI refuses as a flag.
const TOKEN_PART = 'r8M-q3rSov58-token-in-a-field-Lk3w';
const AUTH = `XBL3.0 x=5566778899;${TOKEN_PART}`;

const scriptedMpsd = useScriptedMpsd();

/** Every file of the data folder whose bytes hold `secret`. */
function filesHolding(dir: string, secret: string): string[] {
  return readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(secret));
}

it.each([
  [
    'invite send --context',
    (url: string) => [
      'invite',
      'send',
      ...sessionFlags('lobby-2'),
      '--title-id',
      '1234',
      '--to',
      '2814660000000002',
      '--context',
      TOKEN_PART,
      '--endpoint',
      url,
    ],
  ],
  [
    'mpa invite send --connection',
    (url: string) => [
      'mpa',
      'invite',
      'send',
      '--title',
      '1234',
      '--xuid',
      '2814660000000001',
      '--to',
      '2814660000000002',
      '--connection',
      TOKEN_PART,
      '--endpoint',
      url,
    ],
  ],
])('%s holding the token part: no file of the data folder and no export holds it', async (_, args) => {
  const { mpsd, dir } = await scriptedMpsd((call) =>
    call.path.endsWith('/invites') ? { status: 204 } : { status: 201, body: { id: '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13' } },
  );
  const sent = await runCli(dir, args(mpsd.url), { env: { XBL_AUTHORIZATION: AUTH } });
  // Not sent: the service would keep the token and hand it to the invitee's game.
  expect(sent.code, sent.stderr).not.toBe(0);
  // Refused by whichever check meets it first: the field check on the way in, or the client's check of the body.
  expect(sent.stdout + sent.stderr).toMatch(/Not sent: (?:a|the) field .*holds (?:the profile's|an) Xbox Live token/);
  expect(sent.stdout + sent.stderr).not.toContain(TOKEN_PART);
  expect(mpsd.calls.filter((call) => call.body.includes(TOKEN_PART))).toEqual([]);

  const exported = join(dir, 'export.json');
  expect((await runCli(dir, ['history', 'export', exported])).code).toBe(0);
  const history = JSON.parse(readFileSync(exported, 'utf8')) as { request: { body?: string } }[];
  // Refused on the way in, nothing is recorded; a refusal by the client's body check records the body masked.
  for (const entry of history) expect(entry.request.body).toContain('<token>');
  expect(filesHolding(dir, TOKEN_PART)).toEqual([]);
  // Nor a piece long enough to matter (the masking rule: 16 characters).
  expect(filesHolding(dir, TOKEN_PART.slice(-16))).toEqual([]);
});
