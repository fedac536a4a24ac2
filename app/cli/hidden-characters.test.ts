/**
 * Control and direction characters (ESC, BEL, U+202E) in what the CLI prints act on the terminal
 * instead of showing: a colour, a window title, an OSC 52 clipboard write, text reversed so a
 * label passes for another. Both ends, through the real CLI: names, labels and notes that hold
 * one are refused where they come in (preset save, invite send --to, a team file), naming the
 * field; and whatever still carries one (a server's answer, a preset stored before) is printed
 * with it escaped (`\u{1b}`), by the one printer every command writes through.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startScriptedMpsd, type ScriptedMpsd } from '../core/mpsd/scripted-mpsd.fixture.ts';
import { sessionFlags, TEST_SCID, useCliWorld } from './cli-world.fixture.ts';

const EVIL = '\u202Eevil\u0007\u001b[31mred';
/** Any raw C0 control but a line break, DEL, C1, or a direction override / isolate. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW_HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const AUTH = 'XBL3.0 x=5566;eyJ.hidden-characters-cli-secret';

const world = useCliWorld();
let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

it('preset save with a control character in a --to label is refused naming the label, and nothing is saved', async () => {
  const saved = await world.cli([
    'preset',
    'save',
    'x',
    ...sessionFlags('lobby-1'),
    '--title-id',
    '1234',
    '--to',
    `2814660000000002=${EVIL}`,
  ]);
  expect(saved.code, saved.stderr).toBe(3);
  expect(saved.stderr).toMatch(/label.*control or text-direction character \(U\+202E\)/);
  expect(saved.stderr).not.toMatch(RAW_HIDDEN);
  const listed = await world.cli(['preset', 'list', '--json']);
  expect(JSON.parse(listed.stdout)).toMatchObject({ presets: [] });
});

it('preset save with a control character in the name is refused naming the name', async () => {
  const saved = await world.cli([
    'preset',
    'save',
    `Friday${EVIL}`,
    ...sessionFlags('lobby-1'),
    '--title-id',
    '1234',
    '--to',
    '2814660000000002',
  ]);
  expect(saved.code, saved.stderr).toBe(3);
  expect(saved.stderr).toMatch(/name.*control or text-direction character/);
  expect(saved.stderr).not.toMatch(RAW_HIDDEN);
});

it('invite send with a control character in a --to label is refused before anything is sent', async () => {
  mpsd = await startScriptedMpsd(() => ({ status: 201, body: { id: '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13' } }));
  const sent = await world.cli(
    ['invite', 'send', ...sessionFlags('lobby-2'), '--title-id', '1234', '--to', `2814660000000002=${EVIL}`, '--endpoint', mpsd.url],
    { env: { XBL_AUTHORIZATION: AUTH } },
  );
  expect(sent.code, sent.stderr).toBe(3);
  expect(sent.stderr).toMatch(/label .*control or text-direction character/);
  expect(sent.stderr).not.toMatch(RAW_HIDDEN);
  expect(mpsd.calls).toEqual([]);
});

it('a team file whose preset notes or labels hold control characters is refused naming preset and field; notes keep line breaks', async () => {
  const file = join(world.dataDir, 'team.json');
  const preset = (label: string, notes: string) => ({
    name: 'Friday',
    sessionRef: { scid: TEST_SCID, templateName: 'GameSession', name: 'lobby-3' },
    inviteAttributes: { titleId: '1234' },
    recipients: [{ label, xuid: '2814660000000002' }],
    joinAndSetActivityFirst: false,
    notes,
  });
  writeFileSync(
    file,
    JSON.stringify({ format: 'handle-studio-presets', version: 1, presets: [preset(EVIL, 'ok\u001b]52;c;cGF5bG9hZA==\u0007')] }),
  );
  const refused = await world.cli(['preset', 'import', file]);
  expect(refused.code, refused.stderr).toBe(3);
  expect(refused.stderr).toMatch(/recipients\.0\.label.*U\+202E/);
  expect(refused.stderr).toMatch(/notes.*U\+001B/);
  expect(refused.stderr).not.toMatch(RAW_HIDDEN);
  expect(JSON.parse((await world.cli(['preset', 'list', '--json'])).stdout)).toMatchObject({ presets: [] });

  writeFileSync(
    file,
    JSON.stringify({ format: 'handle-studio-presets', version: 1, presets: [preset('QA box 3', 'line one\r\nline two\n\tthree')] }),
  );
  const imported = await world.cli(['preset', 'import', file]);
  expect(imported.code, imported.stderr).toBe(0);
});

it('what a server says with control characters is printed escaped, in lines and in --json', async () => {
  mpsd = await startScriptedMpsd(() => ({ status: 400, body: `Bad field ${EVIL}\u009b2J` }));
  const invite = ['invite', 'send', ...sessionFlags('lobby-4'), '--title-id', '1234', '--to', '2814660000000002', '--endpoint', mpsd.url];
  const human = await world.cli(invite, { env: { XBL_AUTHORIZATION: AUTH } });
  expect(human.code, human.stderr).toBe(5);
  expect(`${human.stdout}${human.stderr}`).not.toMatch(RAW_HIDDEN);
  expect(human.stdout).toContain('Bad field \\u{202e}evil\\u{7}\\u{1b}[31mred\\u{9b}2J');

  const json = await world.cli([...invite, '--json'], { env: { XBL_AUTHORIZATION: AUTH } });
  expect(json.stdout).not.toMatch(RAW_HIDDEN);
  // The same JSON values: the escapes are JSON's own.
  expect(JSON.stringify(JSON.parse(json.stdout))).toContain('Bad field');
  expect((JSON.parse(json.stdout) as { invitees: { error: { message: string } }[] }).invitees[0]?.error.message).toContain(EVIL);

  const history = await world.cli(['history']);
  expect(history.code, history.stderr).toBe(0);
  expect(history.stdout).not.toMatch(RAW_HIDDEN);
});

it('the app refuses a draft name and a preset label with a control character over IPC (the dispatcher), naming the field', async () => {
  await world.withCore(async (studio) => {
    const draft = await studio.dispatch('saveDraft', { name: `Friday${EVIL}`, kind: 'invite.send', fields: {} });
    expect(draft).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(draft.ok ? '' : draft.error.message).toMatch(/^name: Draft name holds a control or text-direction character \(U\+202E\)/);

    const preset = await studio.dispatch('createPreset', {
      name: 'Friday',
      sessionRef: { scid: TEST_SCID, templateName: 'GameSession', name: 'lobby-5' },
      inviteAttributes: { titleId: '1234' },
      recipients: [{ label: EVIL, xuid: '2814660000000002' }],
      joinAndSetActivityFirst: false,
      notes: '',
    });
    expect(preset.ok ? '' : preset.error.message).toMatch(/recipients\.0\.label: This holds a control or text-direction character/);
  });
});
