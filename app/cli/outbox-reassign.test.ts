/**
 * Queued items whose profile is gone, from the CLI as a user meets them: queued with `--queue`
 * before the profile had a token, the profile removed and added again under the same name (a new
 * id), so a flush cannot send them. `outbox list` names the profile and the way out, `outbox
 * reassign` hands them to the new profile and the next flush sends each once (counted by the
 * local MPSD); `outbox dismiss` removes one. Child processes on the real keychain.
 */
import { expect, it } from 'vitest';
import { useCliWorld } from './cli-world.fixture.ts';
import { queuedInviteArgs } from './queued-invite.fixture.ts';

const world = useCliWorld({ mpsd: true });
const { cli, addProfile } = world;

const invite = (profile: string, ...xuids: string[]) => queuedInviteArgs('lobby-orphans', profile, xuids);

interface ListedItem {
  id: string;
  state: string;
  profileName?: string;
  profileMissing?: boolean;
}

async function listed(): Promise<ListedItem[]> {
  const run = await cli(['outbox', 'list', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { items: ListedItem[] }).items;
}

it(
  'items of a removed profile are named by it, sent as the profile picked with `outbox reassign`, once each',
  { timeout: 240_000 },
  async (context) => {
    const [alice, bob] = [world.user(1).xuid, world.user(2).xuid];
    await addProfile('q2', world.mpsd.url);
    const queued = await cli(invite('q2', alice, bob));
    expect(queued.code, queued.stderr).toBe(0);

    expect((await cli(['profile', 'remove', 'q2', '--yes'])).code).toBe(0);
    await addProfile('q2', world.mpsd.url, { token: { authorization: world.user(0).authorization, skip: (why) => context.skip(why) } });

    // The new "q2" is another profile (another id): the items still wait, and say why and what to do.
    const stuck = await cli(['outbox', 'flush']);
    expect(stuck.code, stuck.stderr).toBe(6);
    expect(stuck.stderr).toContain(
      '2 queued item(s) wait for a profile that is gone ("q2"): `handle-studio outbox reassign --all-from-missing',
    );
    const list = await cli(['outbox', 'list']);
    expect(list.stdout).toContain('from profile "q2", which is gone: `outbox reassign ITEM --profile NAME` sends it as another one');
    expect(list.stdout).toMatch(/Its profile "q2" is gone \(removed, or profiles.json could not be read\)/);
    expect((await listed()).map((item) => [item.state, item.profileName, item.profileMissing])).toEqual([
      ['queued', 'q2', true],
      ['queued', 'q2', true],
    ]);

    const both = await cli(['outbox', 'reassign', 'some-id', '--all-from-missing', '--profile', 'q2']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give one ITEM');

    const moved = await cli(['outbox', 'reassign', '--all-from-missing', '--profile', 'q2']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('Moved 2 items to profile "q2"');
    expect((await listed()).map((item) => [item.state, item.profileName, item.profileMissing])).toEqual([
      ['queued', 'q2', undefined],
      ['queued', 'q2', undefined],
    ]);

    const flushed = await cli(['outbox', 'flush']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(flushed.stdout).toContain('Sent 2 of 2');
    expect(world.mpsd.invites().map((sent) => sent.invitedXuid)).toEqual([alice, bob]);

    // Sent items are not moved: only queued ones (one in flight or unknown may have gone out).
    const sentId = (await listed())[0]!.id;
    const refused = await cli(['outbox', 'reassign', sentId, '--profile', 'q2']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`Outbox item ${sentId} is sent, so it was not moved; nothing was.`);
  },
);

it('`outbox dismiss ITEM` removes a queued item, which is then never sent; an MPA profile is refused for an MPSD item', async () => {
  await addProfile('later', world.mpsd.url);
  await addProfile('activity', world.mpsd.url, { service: 'mpa' });
  expect((await cli(invite('later', world.user(1).xuid))).code).toBe(0);
  const [item] = await listed();

  const wrongService = await cli(['outbox', 'reassign', item!.id, '--profile', 'activity']);
  expect(wrongService.code).toBe(3);
  expect(wrongService.stderr).toContain('is an MPSD call, and profile "activity" talks to MPA');

  const dismissed = await cli(['outbox', 'dismiss', item!.id]);
  expect(dismissed.code, dismissed.stderr).toBe(0);
  expect(dismissed.stdout).toContain(`Dismissed ${item!.id}.`);
  expect(await listed()).toEqual([]);
  const again = await cli(['outbox', 'dismiss', item!.id]);
  expect(again.stderr).toContain('No outbox item with id');
});
