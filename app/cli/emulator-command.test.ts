/**
 * `handle-studio emulator start --templates/--follows/--presence-check` as a child process:
 * a bad file stops the start with exit 3 naming the file and the field; good files shape the
 * emulator it runs, and Ctrl+C (SIGINT) stops it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exited, firstLine, runCli, startCli, tempDataDir } from './cli-process.fixture.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

let dataDir: ReturnType<typeof tempDataDir>;
let folder: string;
let child: ChildProcessWithoutNullStreams | null = null;

beforeEach(() => {
  dataDir = tempDataDir();
  folder = mkdtempSync(join(tmpdir(), 'hs-emulator-flags-'));
});

afterEach(async () => {
  if (child !== null && child.exitCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  child = null;
  dataDir.remove();
  rmSync(folder, { recursive: true, force: true });
});

it('refuses a templates file that breaks the rules with exit 3, naming the file and the field', async () => {
  const templates = join(folder, 'templates.json');
  writeFileSync(templates, JSON.stringify({ serviceConfigs: { '*': { Arena: { constants: { system: { visibility: 'secret' } } } } } }));
  const run = await runCli(dataDir.path, ['emulator', 'start', '--port', '0', '--templates', templates]);
  expect(run.code).toBe(3);
  expect(run.stderr).toContain(
    `The templates file ${templates}: serviceConfigs.*.Arena.constants.system.visibility: must be one of private, visible, open`,
  );
});

it('runs with the given templates, follow graph and presence check', async () => {
  const templates = join(folder, 'templates.json');
  writeFileSync(
    templates,
    JSON.stringify({ serviceConfigs: { [SCID]: { Arena: { constants: { system: { inactiveRemovalTimeout: null } } } } } }),
  );
  const follows = join(folder, 'follows.json');
  writeFileSync(follows, JSON.stringify({ '2814660000000001': { follows: ['2814660000000002'] } }));
  child = startCli(dataDir.path, [
    'emulator',
    'start',
    '--port',
    '0',
    '--json',
    '--templates',
    templates,
    '--follows',
    follows,
    '--presence-check',
  ]);
  const started = JSON.parse(await firstLine(child)) as { url: string; users: { xuid: string; authorization: string }[] };
  const graph = await (await fetch(`${started.url}/_emulator/follows`)).json();
  expect(graph).toEqual({ follows: { '2814660000000001': { follows: ['2814660000000002'], favorites: [] } } });
  const host = started.users[0]!;
  const put = await fetch(`${started.url}/serviceconfigs/${SCID}/sessionTemplates/Arena/sessions/a`, {
    method: 'PUT',
    headers: { Authorization: host.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json' },
    body: JSON.stringify({ members: { me: { constants: { system: { xuid: host.xuid } }, properties: { system: { active: true } } } } }),
  });
  expect(put.status).toBe(201);
  // The presence check is on and nobody is playing: the next read shows the host demoted.
  const read = await fetch(`${started.url}/serviceconfigs/${SCID}/sessionTemplates/Arena/sessions/a`, {
    headers: { Authorization: host.authorization, 'x-xbl-contract-version': '107' },
  });
  expect(((await read.json()) as { membersInfo: { active: number } }).membersInfo.active).toBe(0);
  child.kill('SIGINT');
  expect(await exited(child)).toBe(0);
});
