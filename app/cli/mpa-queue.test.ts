/**
 * `mpa ... --queue`: as a profile, an MPA write that cannot go out now waits in the outbox as
 * ONE item (an invite call to several users too), the command says so and exits 0; without
 * --queue it fails as offline (6) and nothing waits; with XBL_AUTHORIZATION --queue is refused.
 * The profile's token lives in the OS keychain (skipped, saying why, without one).
 */
import { expect, it } from 'vitest';
import { deadEndpoint } from '../core/mpa/mpa-sender.fixture.ts';
import { useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld();
const { cli } = world;

const TOKEN = 'XBL3.0 x=4242;mpa-queue-cli-token-0123456789abcdefghij';
const INVITE = ['mpa', 'invite', 'send', '--profile', 'box', '--title', '1234', '--to', '2814000000000001', '--to', '2814000000000002'];

it('mpa invite send --queue offline: one outbox item, each invitee queued, exit 0; without --queue exit 6', async (context) => {
  await world.addProfile('box', await deadEndpoint(), {
    service: 'mpa',
    token: { authorization: TOKEN, skip: (reason) => context.skip(reason) },
  });

  const failed = await cli(INVITE);
  expect(failed.code, failed.stderr).toBe(6);
  expect(JSON.parse((await cli(['outbox', 'list', '--json'])).stdout)).toMatchObject({ items: [] });

  const queued = await cli([...INVITE, '--queue', '--json']);
  expect(queued.code, queued.stderr).toBe(0);
  expect(JSON.parse(queued.stdout)).toMatchObject({
    kind: 'mpa.invite.send',
    outcome: 'queued',
    queued: 1,
    exitCode: 0,
    error: { code: 'OFFLINE' },
    invitees: [
      { xuid: '2814000000000001', outcome: 'queued' },
      { xuid: '2814000000000002', outcome: 'queued' },
    ],
  });
  const words = await cli([...INVITE, '--queue']);
  expect(words.code, words.stderr).toBe(0);
  expect(words.stdout).toMatch(/mpa\.invite\.send not sent now: .*Queued in the outbox/);
  expect(words.stdout).toContain('2814000000000002: queued');

  const listed = JSON.parse((await cli(['outbox', 'list', '--json'])).stdout) as { items: Array<{ kind: string; state: string }> };
  expect(listed.items.map((item) => [item.kind, item.state])).toEqual([
    ['mpa.invite.send', 'queued'],
    ['mpa.invite.send', 'queued'],
  ]);
  for (const run of [queued, words]) expect(run.stdout + run.stderr).not.toContain(TOKEN.split(';')[1]);
}, 240_000);

it('--queue with XBL_AUTHORIZATION is refused before anything is sent: the outbox needs a stored token', async () => {
  const refused = await cli(
    ['mpa', 'invite', 'send', '--endpoint', await deadEndpoint(), '--title', '1234', '--to', '2814000000000001', '--queue'],
    {
      env: { XBL_AUTHORIZATION: TOKEN },
    },
  );
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('--queue needs a profile');
}, 240_000);
