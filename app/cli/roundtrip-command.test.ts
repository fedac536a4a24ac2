/**
 * The invitee's side from the command line, against the local MPSD started by the real
 * `handle-studio emulator start`, with two profiles whose tokens are stored through
 * `profile set-token` (the OS keychain: run under a Secret Service). `roundtrip` writes a
 * JUnit file that an XML parser reads as CI systems do; `session check` and
 * `invite send --check` stop on findings with exit 8 and send nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { beforeEach, describe, expect, it } from 'vitest';
import { useCliChildren, type EmulatorLine } from './cli-children.fixture.ts';
import { TEST_SCID as SCID, sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const TEMPLATES = {
  serviceConfigs: {
    '*': {
      GameSession: {
        constants: {
          system: {
            inviteProtocol: 'game',
            inactiveRemovalTimeout: 7200000,
            capabilities: { gameplay: true, connectionRequiredForActiveMembers: true },
          },
        },
      },
      PrivateSession: {
        constants: {
          system: {
            inviteProtocol: 'game',
            visibility: 'private',
            capabilities: { gameplay: true, connectionRequiredForActiveMembers: true },
          },
        },
      },
    },
  },
};

const world = useCliWorld();
const cli = (args: string[]) => world.cli(args);
const children = useCliChildren();
let mpsd: EmulatorLine;

beforeEach(async () => {
  const templates = join(world.dataDir, 'templates.json');
  writeFileSync(templates, JSON.stringify(TEMPLATES));
  const emulator = await children.emulator(world.dataDir, ['--templates', templates]);
  mpsd = emulator.printed;
  emulator.child.stdout.resume();
  emulator.child.stderr.resume();
});

/** Profiles alpha (user 1) and bravo (user 2) with stored tokens; skips where no keychain is reachable. */
async function twoProfiles(skip: (reason: string) => void): Promise<void> {
  for (const [name, user] of [
    ['alpha', mpsd.users[0]!],
    ['bravo', mpsd.users[1]!],
  ] as const) {
    await world.addProfile(name, mpsd.url, { token: { authorization: user.authorization, skip } });
  }
}

/** Sends as profile alpha, as its user (user 1). */
const asAlpha = () => ['--profile', 'alpha', '--xuid', mpsd.users[0]!.xuid];

async function savePreset(name: string, template: string): Promise<void> {
  const saved = await cli([
    'preset',
    'save',
    name,
    '--scid',
    SCID,
    '--template',
    template,
    '--new-session-each-time',
    '--title-id',
    '0x4D2',
    '--context',
    'raid & 7',
  ]);
  expect(saved.code, saved.stderr).toBe(0);
}

const who = () => ['--from-xuid', mpsd.users[0]!.xuid, '--to-xuid', mpsd.users[1]!.xuid];

/** The JUnit file as a CI system reads it: an XML document, its suite's counts and its testcases. */
function readJunit(path: string) {
  const errors: string[] = [];
  const document = new DOMParser({
    errorHandler: (level: string, message: unknown) => void errors.push(`${level}: ${String(message)}`),
  }).parseFromString(readFileSync(path, 'utf8'), 'text/xml');
  expect(errors).toEqual([]);
  const root = document.documentElement!;
  expect(root.tagName).toBe('testsuites');
  const suites = Array.from(root.getElementsByTagName('testsuite'));
  expect(suites).toHaveLength(1);
  const suite = suites[0]!;
  const cases = Array.from(suite.getElementsByTagName('testcase')).map((testcase) => ({
    name: testcase.getAttribute('name'),
    time: Number(testcase.getAttribute('time')),
    failure: testcase.getElementsByTagName('failure')[0],
    skipped: testcase.getElementsByTagName('skipped').length === 1,
    out: testcase.getElementsByTagName('system-out')[0]?.textContent ?? '',
  }));
  const count = (attribute: string) => Number(suite.getAttribute(attribute));
  return { suite, cases, tests: count('tests'), failures: count('failures'), skipped: count('skipped') };
}

async function invitesSent(): Promise<number> {
  const answer = (await (await fetch(`${mpsd.url}/_emulator/invites`)).json()) as { invites: unknown[] };
  return answer.invites.length;
}

describe('handle-studio roundtrip', () => {
  it('passes against the local MPSD and writes a JUnit file with one testcase per step', async (context) => {
    await twoProfiles((reason) => context.skip(reason));
    await savePreset('rt', 'GameSession');
    const junit = join(world.dataDir, 'roundtrip.xml');
    const run = await cli(['roundtrip', '--from', 'alpha', '--to', 'bravo', '--preset', 'rt', ...who(), '--junit', junit]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^PASS {2}1\. alpha joins or creates the session {2}\(HTTP 20\d, \d+ ms, correlation [0-9a-f-]{36}\)$/m);
    expect(run.stdout).toContain('Round trip passed: 9 of 9 steps.');
    expect(run.stdout).toMatch(
      /Invite activation URI: ms-xbl-multiplayer:\/\/inviteHandleAccept\?handle=[0-9a-f-]{36}&invitedXuid=\d+&senderXuid=\d+&context=raid%20%26%207/,
    );
    expect(await invitesSent()).toBe(1);

    const report = readJunit(junit);
    expect([report.tests, report.failures, report.skipped]).toEqual([9, 0, 0]);
    expect(report.cases.map((testcase) => testcase.name)).toEqual([
      '1. alpha joins or creates the session',
      '2. alpha sets the activity',
      '3. alpha is still an active member',
      "4. alpha's activity is still there",
      '5. alpha invites bravo',
      '6. bravo reads the invite',
      '7. bravo joins through the invite',
      '8. bravo reads the session back',
      "9. alpha's session shows bravo",
    ]);
    for (const testcase of report.cases) {
      expect(testcase.time).toBeGreaterThanOrEqual(0);
      expect(testcase.out).toMatch(/correlation id [0-9a-f-]{36}/);
    }
  });

  it('fails at the step MPSD refused, with its words in the JUnit failure, exit 5', async (context) => {
    await twoProfiles((reason) => context.skip(reason));
    await savePreset('private', 'PrivateSession');
    const junit = join(world.dataDir, 'failed.xml');
    const run = await cli(['roundtrip', '--from', 'alpha', '--to', 'bravo', '--preset', 'private', ...who(), '--junit', junit, '--json']);
    expect(run.code).toBe(5);
    const answer = JSON.parse(run.stdout) as { ok: boolean; exitCode: number; steps: { status: string }[] };
    expect(answer).toMatchObject({ ok: false, exitCode: 5 });
    expect(answer.steps.map((step) => step.status).slice(5)).toEqual(['passed', 'failed', 'skipped', 'skipped']);

    const report = readJunit(junit);
    expect([report.tests, report.failures, report.skipped]).toEqual([9, 1, 2]);
    const failed = report.cases[6]!;
    expect(failed.name).toBe('7. bravo joins through the invite');
    expect(failed.failure?.getAttribute('type')).toBe('HTTP 403');
    expect(failed.failure?.getAttribute('message')).toBeTruthy();
    expect(failed.failure?.textContent).toContain('MPSD said: ');
    expect(report.cases.slice(7).every((testcase) => testcase.skipped)).toBe(true);
  });

  it('names what is missing', async () => {
    const run = await cli(['roundtrip', '--from', 'alpha', '--preset', 'rt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--to is required');
  });
});

describe('pre-flight from the CLI', () => {
  /** A session alpha creates straight on the MPSD with properties no command sets. */
  async function closedSession(name: string): Promise<void> {
    const answer = await fetch(`${mpsd.url}/serviceconfigs/${SCID}/sessionTemplates/GameSession/sessions/${name}`, {
      method: 'PUT',
      headers: {
        Authorization: mpsd.users[0]!.authorization,
        'x-xbl-contract-version': '107',
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({
        properties: { system: { closed: true } },
        members: {
          me: { constants: { system: { xuid: mpsd.users[0]!.xuid, initialize: true } }, properties: { system: { active: true } } },
        },
      }),
    });
    expect(answer.status).toBe(201);
  }

  it('session check lists findings with their fix and exits 8; a clean session exits 0', async (context) => {
    await twoProfiles((reason) => context.skip(reason));
    await closedSession('closed-1');
    const found = await cli(['session', 'check', ...sessionFlags('closed-1'), '--invitee', mpsd.users[1]!.xuid, ...asAlpha()]);
    expect(found.code).toBe(8);
    expect(found.stdout).toMatch(/\[blocks\] closed: The session is closed .* Fix: Have a member set properties\.system\.closed to false/);

    const join = await cli(['session', 'join', ...sessionFlags('open-1'), ...asAlpha()]);
    expect(join.code, join.stderr).toBe(0);
    const clean = await cli(['session', 'check', ...sessionFlags('open-1'), ...asAlpha(), '--json']);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, exitCode: 0, findings: [] });
  });

  it('invite send --check sends nothing on findings; --send-anyway sends', async (context) => {
    await twoProfiles((reason) => context.skip(reason));
    await closedSession('closed-2');
    const invite = [
      'invite',
      'send',
      ...sessionFlags('closed-2'),
      '--title-id',
      '1234',
      '--to',
      mpsd.users[1]!.xuid,
      ...asAlpha(),
      '--check',
    ];
    const stopped = await cli(invite);
    expect(stopped.code).toBe(8);
    expect(stopped.stderr).toContain('[blocks] closed:');
    expect(stopped.stderr).toContain('Nothing was sent.');
    expect(await invitesSent()).toBe(0);

    const anyway = await cli([...invite, '--send-anyway']);
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(anyway.stderr).toContain('Sending anyway (--send-anyway).');
    expect(await invitesSent()).toBe(1);
  });
});
