/** The real CLI, run as a child process: a request with several bad flags names every one of them. */
import { expect, it } from 'vitest';
import { FAKE_AUTHORIZATION, sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld();

it('invite send with a bad SCID, template and 23-digit XUID exits 3 listing all three by flag', async () => {
  const env = { XBL_AUTHORIZATION: FAKE_AUTHORIZATION };
  const where = sessionFlags('lobby-7', 'a b', 'not-a-guid');
  const run = await world.cli(['invite', 'send', ...where, '--title-id', '1234', '--to', '12345678901234567890123'], { env });
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('3 problems: --scid: SCID must be a GUID');
  expect(run.stderr).toContain('--template: ');
  expect(run.stderr).toContain('--to: XUID must be a number between 1 and 18446744073709551615.');
  expect(run.stderr).not.toContain('more problem');
  expect(run.stderr).not.toContain('..');
});
