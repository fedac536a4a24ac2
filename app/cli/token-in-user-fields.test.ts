/**
 * A token (or a long piece of it) typed into a user-provided string that is stored or sent: a
 * recipient's label, a session name, a preset's notes or name, a profile's name. Each is refused
 * (VALIDATION naming the field, never the value) before anything is written or sent, whether the
 * token came from XBL_AUTHORIZATION or from a profile's keychain entry; and what an older build
 * wrote with one (a history row, a preset) is never printed or exported. Checked on the raw bytes
 * of every file in the data folder (history.sqlite and its WAL, outbox.sqlite, presets.json,
 * profiles.json, exports) and on the CLI's stdout and stderr. Real child processes.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistoryStore } from '../core/history/history-store.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../shared/mpsd/wire.ts';
import type { CliRun } from './cli-process.fixture.ts';
import { sessionFlags, TEST_SCID, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld({ mpsd: true });

/**
 * The runs that must find the token do so in a process of their own: an in-process run would
 * share the tokens earlier runs of this file read (set-token, XBL_AUTHORIZATION) and prove nothing
 * about the way this one reads it.
 */
const FRESH = { process: true };

/**
 * 32 characters of the token's tail: long enough to matter (the masking rule is 16), and not shaped
 * like a credential, so only the comparison with the token this process holds can find it.
 */
function pieceOf(authorization: string): string {
  return authorization.slice(-36, -4);
}

/** Every file of the data folder (and exports written there) whose raw bytes hold `secret`. */
function filesHolding(secret: string): string[] {
  return readdirSync(world.dataDir).filter((name) => readFileSync(join(world.dataDir, name)).includes(secret));
}

function expectRefusedNaming(run: CliRun, field: string, secret: string): void {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain(`the field ${field} holds an Xbox Live token`);
  expect(run.stdout + run.stderr).not.toContain(secret);
}

/** Nothing the data folder holds, nor what History and the presets export, carries `secret`. */
async function expectNowhere(secret: string): Promise<void> {
  const csv = await world.cli(['history', 'export', join(world.dataDir, 'history.csv'), '--format', 'csv']);
  const json = await world.cli(['history', 'export', join(world.dataDir, 'history.json')]);
  const presets = await world.cli(['preset', 'export', '-']);
  const listed = await world.cli(['history']);
  for (const run of [csv, json, presets, listed]) expect(run.stdout + run.stderr).not.toContain(secret);
  expect(filesHolding(secret)).toEqual([]);
}

describe('a token in a user-provided string, with XBL_AUTHORIZATION', () => {
  it.each([
    [
      'a recipient label',
      'recipientLabels.2814660000000002',
      (piece: string) => [...sessionFlags('lobby-7'), '--to', `2814660000000002=${piece}`],
    ],
    ['a session name', 'request.sessionRef.name', (piece: string) => [...sessionFlags(piece), '--to', '2814660000000002']],
  ])('in %s: not sent, not stored, the field named', async (_what, field, flags) => {
    const user = world.user(0);
    const piece = pieceOf(user.authorization);
    const sent = await world.cli(['invite', 'send', '--title-id', '0x4D2', ...flags(piece), '--endpoint', world.mpsd.url], {
      env: { XBL_AUTHORIZATION: user.authorization },
      ...FRESH,
    });
    expectRefusedNaming(sent, field, piece);
    // Refused before anything was written: no History row at all, and MPSD was never called.
    expect((await world.cli(['history', '--json'])).stdout).not.toContain('lobby-7');
    await expectNowhere(piece);
  });

  it.each([
    ['notes', 'notes', (piece: string) => ['preset', 'save', 'tk', ...sessionFlags('lobby-7'), '--title-id', '0x4D2', '--notes', piece]],
    ['a preset name', 'name', (piece: string) => ['preset', 'save', `p${piece}`, ...sessionFlags('lobby-7'), '--title-id', '0x4D2']],
    ['a profile name', 'name', (piece: string) => ['profile', 'add', `p${piece}`, '--endpoint', world.mpsd.url, '--sandbox', 'XDKS.1']],
  ])('in %s: not saved, the field named', async (_what, field, args) => {
    const user = world.user(0);
    const piece = pieceOf(user.authorization);
    const saved = await world.cli(args(piece), { env: { XBL_AUTHORIZATION: user.authorization }, ...FRESH });
    expectRefusedNaming(saved, field, piece);
    await expectNowhere(piece);
  });
});

it("a recipient label holding the sending profile's token (read from the keychain): not sent, never printed", async (context) => {
  const user = world.user(1);
  const piece = pieceOf(user.authorization);
  await world.addProfile('local', world.mpsd.url, { token: { authorization: user.authorization, skip: context.skip } });
  const sent = await world.cli(
    ['invite', 'send', '--profile', 'local', ...sessionFlags('lobby-7'), '--title-id', '0x4D2', '--to', `2814660000000002=${piece}`],
    FRESH,
  );
  expectRefusedNaming(sent, 'recipientLabels.2814660000000002', piece);
  // The same send with an ordinary label goes: the check refuses the field, not the profile.
  const ordinary = await world.cli([
    'invite',
    'send',
    '--profile',
    'local',
    ...sessionFlags('lobby-7'),
    '--title-id',
    '0x4D2',
    '--to',
    '2814660000000002=Alice',
  ]);
  expect(ordinary.code, ordinary.stderr).toBe(0);
  await expectNowhere(piece);
});

it('a --queue send as a profile whose token MPSD refused: a label holding that token is refused, not queued in outbox.sqlite', async (context) => {
  // Unknown to the local MPSD, so its first use is answered 401 and the profile turns REFUSED.
  const refused = `XBL3.0 x=1234567890123456789;${randomBytes(32).toString('base64url')}`;
  const piece = pieceOf(refused);
  await world.addProfile('refused', world.mpsd.url, { token: { authorization: refused, skip: context.skip } });
  const send = (label: string) =>
    world.cli(
      [
        'invite',
        'send',
        '--profile',
        'refused',
        '--queue',
        ...sessionFlags('lobby-7'),
        '--title-id',
        '0x4D2',
        '--to',
        `2814660000000002=${label}`,
      ],
      FRESH,
    );
  const first = await send('Alice');
  expect(first.code, first.stderr).toBe(0);
  expect((await world.cli(['profile', 'show', 'refused'])).stdout).toMatch(/REFUSED/);
  // The token cannot be used now, yet the profile holds it: the field is still compared with it.
  expectRefusedNaming(await send(piece), 'recipientLabels.2814660000000002', piece);
  expect(filesHolding(piece)).toEqual([]);
});

describe('what an older build stored with a token in it', () => {
  // Shaped like a real XSTS token (a JWE), and held by no process that reads it back.
  const part = (size: number) => randomBytes(size).toString('base64url');
  const jwe = [
    Buffer.from('{"enc":"A128CBC+HS256","alg":"RSA-OAEP"}').toString('base64url'),
    part(256),
    part(16),
    part(512),
    part(16),
  ].join('.');
  const tail = jwe.slice(-40);

  it('a History row with it in the label: never printed by history (text or JSON) or either export', async () => {
    const history = openHistoryStore({ dataDir: world.dataDir });
    history.append({
      at: new Date().toISOString(),
      profileId: 'environment',
      profileName: 'XBL_AUTHORIZATION',
      sandbox: 'XDKS.1',
      kind: 'invite.send',
      sessionRef: { scid: TEST_SCID, templateName: 'GameSession', name: 'lobby-7' },
      invitedXuid: '2814660000000002',
      recipientLabel: `old ${jwe}`,
      request: { method: 'POST', url: 'https://127.0.0.1/handles', headers: { Authorization: AUTHORIZATION_PLACEHOLDER }, body: '{}' },
      durationMs: 1,
    });
    history.close();
    const listed = await world.cli(['history'], FRESH);
    const runs = [
      listed,
      await world.cli(['history', '--json'], FRESH),
      await world.cli(['history', 'export', '-', '--format', 'csv'], FRESH),
      await world.cli(['history', 'export', '-'], FRESH),
    ];
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(tail);
    }
    expect(listed.stdout).toContain('old <token>');
    // Exported to files, past the CLI's printing: the export masks it itself.
    for (const [name, format] of [
      ['old.csv', 'csv'],
      ['old.json', 'json'],
    ] as const) {
      const file = join(world.dataDir, name);
      expect((await world.cli(['history', 'export', file, '--format', format], FRESH)).code).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain('old <token>');
      expect(readFileSync(file).includes(tail)).toBe(false);
    }
  });

  it('a preset with it in its notes: not printed by preset show or list, and the team file export refuses it', async () => {
    const file = JSON.parse(readFileSync(new URL('../core/presets/presets-v2.fixture.json', import.meta.url), 'utf8')) as {
      presets: [{ notes: string }];
    };
    file.presets[0].notes = `pasted ${jwe}`;
    writeFileSync(join(world.dataDir, 'presets.json'), JSON.stringify(file));
    const shown = await world.cli(['preset', 'show', 'Friday night lobby'], FRESH);
    const listed = await world.cli(['preset', 'list', '--json'], FRESH);
    for (const run of [shown, listed]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(tail);
    }
    expect(shown.stdout).toContain('pasted <token>');
    const exported = await world.cli(['preset', 'export', '-'], FRESH);
    expect(exported.code).toBe(3);
    expect(exported.stderr).toContain("A preset's field notes holds an Xbox Live token");
    expect(exported.stdout + exported.stderr).not.toContain(tail);
  });
});
