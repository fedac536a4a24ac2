/**
 * `invite send --preset` for a preset that joins first takes the sender's XUID from the profile
 * it sends as when --xuid is not given: a local MPSD token set with `profile set-token` names
 * its user. Real child processes, a real local MPSD and the OS keychain (run under a Secret
 * Service; skipped, saying why, without one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../emulator/index.ts';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

let data: ReturnType<typeof tempDataDir>;
let mpsd: LocalMpsd;
beforeEach(async () => {
  data = tempDataDir();
  mpsd = await startLocalMpsd({ rateLimits: false, allowedScids: [SCID] });
});
afterEach(async () => {
  // The profile's keychain entry goes with it.
  await runCli(data.path, ['profile', 'remove', 'qa-box', '--yes']);
  await mpsd.stop();
  data.remove();
});

it("a preset that joins first sends as the profile's user without --xuid; with XBL_AUTHORIZATION it still asks for --xuid", async (context) => {
  const [me, alice] = mpsd.users;
  const cli = (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => runCli(data.path, args, options);
  const teamFile = join(data.path, 'team.json');
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

  const withEnvironment = await cli(['invite', 'send', '--preset', 'joins-first', '--endpoint', mpsd.url], {
    env: { XBL_AUTHORIZATION: me!.authorization },
  });
  expect(withEnvironment.code).toBe(3);
  expect(withEnvironment.stderr).toContain('needs your own XUID: add --xuid YOUR_XUID');

  expect((await cli(['profile', 'add', 'qa-box', '--endpoint', mpsd.url, '--sandbox', 'XDKS.1'])).code).toBe(0);
  const stored = await cli(['profile', 'set-token', 'qa-box'], { stdin: `${me!.authorization}\n` });
  if (stored.code === 4 && stored.stderr.includes('KEYCHAIN_UNAVAILABLE'))
    context.skip(`No OS keychain reachable here: ${stored.stderr.trim()}`);
  expect(stored.code, stored.stderr).toBe(0);

  const sent = await cli(['invite', 'send', '--preset', 'joins-first', '--profile', 'qa-box', '--json']);
  expect(sent.code, sent.stderr).toBe(0);
  expect(mpsd.invites().map((invite) => [invite.senderXuid, invite.invitedXuid, invite.inviteAttributes.titleId])).toEqual([
    [me!.xuid, alice!.xuid, '1234'],
  ]);
});
