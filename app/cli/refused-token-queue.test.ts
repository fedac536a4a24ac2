/**
 * `--queue` with a token MPSD refuses (401), from the CLI as the README promises: the send is
 * queued and exits 0, the profile shows REFUSED, and the next `--queue` send is queued without
 * reaching MPSD (counted by the local MPSD). Child processes on the real keychain.
 */
import { expect, it } from 'vitest';
import { sessionFlags, useCliWorld } from './cli-world.fixture.ts';

/** Well-formed, but never issued by the local MPSD: it answers 401, and a pasted token cannot be renewed. */
const REFUSED_AUTHORIZATION = `XBL3.0 x=1234567890123456789;${'A'.repeat(64)}`;

const world = useCliWorld({ mpsd: true });
const { cli, addProfile } = world;

it('a refused token queues a --queue send (exit 0), marks the profile REFUSED, and the next send queues without calling MPSD', async (context) => {
  await addProfile('refused', world.mpsd.url, { token: { authorization: REFUSED_AUTHORIZATION, skip: (why) => context.skip(why) } });
  const invite = ['invite', 'send', ...sessionFlags('lobby-refused'), '--title-id', '1234', '--to', world.user(1).xuid];

  const first = await cli([...invite, '--profile', 'refused', '--queue', '--json']);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'queued', queued: 1 });
  const reached = world.mpsd.stats().requests;
  expect((await cli(['profile', 'show', 'refused'])).stdout).toMatch(/token: REFUSED by MPSD/);

  const second = await cli([
    'invite',
    'send',
    ...sessionFlags('lobby-refused'),
    '--title-id',
    '1234',
    '--to',
    world.user(2).xuid,
    '--profile',
    'refused',
    '--queue',
  ]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toMatch(/Queued/);
  expect(world.mpsd.stats().requests).toBe(reached);

  const listed = JSON.parse((await cli(['outbox', 'list', '--json'])).stdout) as { items: { kind: string; state: string }[] };
  expect(listed.items.map((item) => [item.kind, item.state])).toEqual([
    ['invite.send', 'queued'],
    ['invite.send', 'queued'],
  ]);

  // Without --queue the same refusal is exit 4 and nothing more is queued.
  const notAsked = await cli([...invite, '--profile', 'refused']);
  expect(notAsked.code).toBe(4);
  expect(JSON.parse((await cli(['outbox', 'list', '--json'])).stdout).items).toHaveLength(2);
});
