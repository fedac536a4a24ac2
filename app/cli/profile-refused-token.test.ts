/**
 * A token MPSD refuses, seen from the CLI: after one command gets a 401 (the pasted token
 * cannot be renewed), `profile show` and `profile list` in later processes say REFUSED with
 * the command that fixes it, and the next command does not reach MPSD at all. Child
 * processes on the real keychain (the refusal is kept with the token there).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useCliChildren, type EmulatorLine } from './cli-children.fixture.ts';
import { TEST_SCID as SCID, useCliWorld } from './cli-world.fixture.ts';

/** Well-formed, but never issued by the local MPSD: it answers 401. */
const UNKNOWN_AUTHORIZATION = `XBL3.0 x=1234567890123456789;${'A'.repeat(64)}`;

const world = useCliWorld();
const children = useCliChildren();
let mpsd: EmulatorLine;

const cli = (args: string[], stdin?: string) => world.cli(args, stdin === undefined ? {} : { stdin });

async function requestsReceived(): Promise<number> {
  const stats = (await (await fetch(`${mpsd.url}/_emulator/stats`)).json()) as { requests: number };
  return stats.requests;
}

beforeEach(async () => {
  ({ printed: mpsd } = await children.emulator(world.dataDir));
});

describe('a refused token in the CLI', () => {
  it(
    'is reported as refused by profile show/list in later processes, with the fix, and is not sent again',
    { timeout: 120_000 },
    async (context) => {
      await world.addProfile('Refused dev', mpsd.url, {
        token: { authorization: UNKNOWN_AUTHORIZATION, skip: (reason) => context.skip(reason) },
      });
      const query = ['activity', 'get', '--scid', SCID, '--xuid', mpsd.users[0]!.xuid, '--profile', 'Refused dev'];

      const refused = await cli(query);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain('UNAUTHORIZED');

      const shown = await cli(['profile', 'show', 'Refused dev']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(
        /token: REFUSED by MPSD at \d{4}-\d\d-\d\dT[\d:.]+Z: it is not used again; run `handle-studio profile set-token "Refused dev"`/,
      );
      const listed = await cli(['profile', 'list', '--json']);
      expect(JSON.parse(listed.stdout).profiles[0].token).toMatchObject({ state: 'refused', source: 'pasted' });

      const reached = await requestsReceived();
      const again = await cli(query);
      expect(again.code).not.toBe(0);
      expect(again.stdout + again.stderr).toContain('MPSD refused the token of profile "Refused dev"');
      expect(await requestsReceived()).toBe(reached);

      // A new token ends it.
      expect((await cli(['profile', 'set-token', 'Refused dev'], mpsd.users[0]!.authorization)).code).toBe(0);
      expect((await cli(['profile', 'show', 'Refused dev'])).stdout).not.toContain('REFUSED');
      expect((await cli(query)).code).toBe(0);
    },
  );
});
