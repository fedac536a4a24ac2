/** The real CLI, run as a child process: a request with several bad flags names every one of them. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

let dataDir: ReturnType<typeof tempDataDir>;
beforeEach(() => (dataDir = tempDataDir()));
afterEach(() => dataDir.remove());

it('invite send with a bad SCID, template and 23-digit XUID exits 3 listing all three by flag', async () => {
  const env = { XBL_AUTHORIZATION: 'XBL3.0 x=abc123;eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' };
  const run = await runCli(
    dataDir.path,
    [
      'invite',
      'send',
      '--scid',
      'not-a-guid',
      '--template',
      'a b',
      '--session',
      'lobby-7',
      '--title-id',
      '1234',
      '--to',
      '12345678901234567890123',
    ],
    { env },
  );
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('3 problems: --scid: SCID must be a GUID');
  expect(run.stderr).toContain('--template: ');
  expect(run.stderr).toContain('--to: XUID must be a number between 1 and 18446744073709551615.');
  expect(run.stderr).not.toContain('more problem');
  expect(run.stderr).not.toContain('..');
});
