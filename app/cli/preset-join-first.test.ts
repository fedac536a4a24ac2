/**
 * `invite send --preset` for a preset that joins first takes the sender's XUID from the profile
 * it sends as when --xuid is not given: a local MPSD token set with `profile set-token` names
 * its user. Real child processes, a real local MPSD and the OS keychain (run under a Secret
 * Service; skipped, saying why, without one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TEST_SCID as SCID, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld({ mpsd: true });
const { cli } = world;

it("a preset that joins first sends as the profile's user without --xuid; with XBL_AUTHORIZATION it still asks for --xuid", async (context) => {
  const { mpsd } = world;
  const [me, alice] = mpsd.users;
  const teamFile = join(world.dataDir, 'team.json');
  writeFileSync(
    teamFile,
    JSON.stringify({
      format: 'handle-studio-presets',
      version: 1,
      presets: [
        {
          name: 'joins-first',
          sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-3' },
          inviteAttributes: { titleId: '0x4D2' },
          recipients: [{ label: 'Alice', xuid: alice!.xuid }],
          joinAndSetActivityFirst: true,
        },
      ],
    }),
  );
  expect((await cli(['preset', 'import', teamFile])).code).toBe(0);

  const withEnvironment = await world.as(me!, ['invite', 'send', '--preset', 'joins-first']);
  expect(withEnvironment.code).toBe(3);
  expect(withEnvironment.stderr).toContain('needs your own XUID: add --xuid YOUR_XUID');

  await world.addProfile('qa-box', mpsd.url, { token: { authorization: me!.authorization, skip: (reason) => context.skip(reason) } });

  const sent = await cli(['invite', 'send', '--preset', 'joins-first', '--profile', 'qa-box', '--json']);
  expect(sent.code, sent.stderr).toBe(0);
  expect(mpsd.invites().map((invite) => [invite.senderXuid, invite.invitedXuid, invite.inviteAttributes.titleId])).toEqual([
    [me!.xuid, alice!.xuid, '1234'],
  ]);
});
