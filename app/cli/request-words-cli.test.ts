/**
 * The CLI names request kinds and outcomes with the app's words (History's "Send invites",
 * "Succeeded", "Failed"), while --json keeps the raw values scripts filter on. Real child
 * processes against a real local MPSD.
 */
import { describe, expect, it } from 'vitest';
import { TEST_SCID, useCliWorld } from './cli-world.fixture.ts';

const session = ['--scid', TEST_SCID, '--template', 'GameSession', '--session', 'lobby-4'];
const world = useCliWorld({ mpsd: true });

describe("the app's words in the CLI", () => {
  it('history lists kinds and outcomes as the History screen does; --json keeps kind and outcome values', async () => {
    const { mpsd, cli } = world;
    const [me, alice] = mpsd.users;
    const env = { XBL_AUTHORIZATION: me!.authorization };
    const send = (args: string[]) => cli([...args, '--endpoint', mpsd.url], { env });
    // Not a member yet: MPSD refuses the activity, so one entry failed.
    expect((await send(['activity', 'set', ...session])).code).toBe(5);
    expect((await send(['session', 'join', ...session, '--xuid', me!.xuid])).code).toBe(0);
    expect((await send(['invite', 'send', ...session, '--title-id', '1234', '--to', alice!.xuid])).code).toBe(0);

    const history = await cli(['history']);
    expect(history.code, history.stderr).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/ Send invites +201 +Succeeded /);
    expect(lines[1]).toMatch(/ Join session +20[01] +Succeeded /);
    expect(lines[2]).toMatch(/ Set activity +\d{3} +Failed /);
    expect(history.stdout).not.toContain('invite.send');

    const json = await cli(['history', '--json']);
    const entries = (JSON.parse(json.stdout) as { entries: { kind: string; outcome: string }[] }).entries;
    expect(entries.map((entry) => [entry.kind, entry.outcome])).toEqual([
      ['invite.send', 'ok'],
      ['session.join', 'ok'],
      ['activity.set', 'error'],
    ]);
  });
});
