/**
 * From the CLI, as a profile whose token is in the OS keychain: a `--queue` send whose field
 * holds the profile's token (an invite's --context, an MPA invite's --connection) is refused
 * (exit 3) before anything is written to the outbox, whether it would have been queued because
 * MPSD refused the token or journaled while offline. The same sends without the token are queued,
 * and their field is in the outbox's bytes, so the byte check of the data folder can fail.
 * Child processes on the real keychain (skipped, saying why, without one).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { deadEndpoint } from '../core/mpa/mpa-sender.fixture.ts';
import type { CliRun } from './cli-process.fixture.ts';
import { sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld({ mpsd: true });
const { cli, addProfile } = world;

/** Never issued by the local MPSD (it answers 401), and random, so a piece of it is found nowhere else. */
const AUTHORIZATION = `XBL3.0 x=1234567890123456789;${randomBytes(72).toString('base64url')}`;
/** 40 characters from the middle of the token part: "a long piece of it". */
const PIECE = AUTHORIZATION.slice(AUTHORIZATION.indexOf(';') + 1).slice(20, 60);
const MARKER = 'marker-field-Vd83qX';

/** The data folder's files whose bytes hold `text` (the keychain is outside it). */
function filesHolding(text: string): string[] {
  return readdirSync(world.dataDir).filter((name) => readFileSync(join(world.dataDir, name)).includes(text));
}

/** What `outbox list` shows: each item's kind and state. */
async function queuedKinds(): Promise<string[][]> {
  const listed = await cli(['outbox', 'list', '--json']);
  expect(listed.code, `${listed.stdout}\n${listed.stderr}`).toBe(0);
  return (JSON.parse(listed.stdout) as { items: { kind: string; state: string }[] }).items.map((item) => [item.kind, item.state]);
}

function expectRefused(run: CliRun): void {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain('Xbox Live token');
  expect(run.stdout + run.stderr).not.toContain(PIECE.slice(0, 16));
}

it('invite send --queue with the token in --context: refused before the outbox, queued by MPSD refusal or offline alike', async (context) => {
  const token = { authorization: AUTHORIZATION, skip: (why: string) => context.skip(why) };
  await addProfile('refused', world.mpsd.url, { token });
  await addProfile('offline', await deadEndpoint(), { token });
  const invite = (profile: string, field: string) => [
    'invite',
    'send',
    ...sessionFlags('lobby-token-field'),
    '--title-id',
    '1234',
    '--to',
    world.user(1).xuid,
    '--profile',
    profile,
    '--queue',
    '--context',
    field,
  ];

  // MPSD answers 401: queued, and the profile's token is marked refused.
  const control = await cli(invite('refused', MARKER));
  expect(control.code, control.stderr).toBe(0);
  expect(control.stdout).toMatch(/Queued/);
  // Refused now: the next send would be queued without calling MPSD, so it is checked against the refused token.
  expectRefused(await cli(invite('refused', PIECE)));
  // Offline: the live journal is written before the call leaves.
  expectRefused(await cli(invite('offline', `join ${PIECE}`)));
  expect((await cli(invite('offline', `${MARKER}-offline`))).code).toBe(0);

  expect(await queuedKinds()).toEqual([
    ['invite.send', 'queued'],
    ['invite.send', 'queued'],
  ]);
  expect(filesHolding(MARKER).some((name) => name.startsWith('outbox.sqlite'))).toBe(true);
  expect(filesHolding(`${MARKER}-offline`).some((name) => name.startsWith('outbox.sqlite'))).toBe(true);
  expect(filesHolding(PIECE)).toEqual([]);
  expect(filesHolding(PIECE.slice(-16))).toEqual([]);
}, 240_000);

it('mpa invite send --queue with the token in --connection: refused before the outbox; without it, queued', async (context) => {
  await addProfile('box', await deadEndpoint(), {
    service: 'mpa',
    token: { authorization: AUTHORIZATION, skip: (why) => context.skip(why) },
  });
  const invite = (field: string) => [
    'mpa',
    'invite',
    'send',
    '--profile',
    'box',
    '--title',
    '1234',
    '--to',
    '2814000000000001',
    '--queue',
    '--connection',
    field,
  ];

  expectRefused(await cli(invite(PIECE)));
  const control = await cli(invite(MARKER));
  expect(control.code, control.stderr).toBe(0);

  expect(await queuedKinds()).toEqual([['mpa.invite.send', 'queued']]);
  expect(filesHolding(MARKER).some((name) => name.startsWith('outbox.sqlite'))).toBe(true);
  expect(filesHolding(PIECE)).toEqual([]);
  expect(filesHolding(PIECE.slice(0, 16))).toEqual([]);
}, 240_000);
