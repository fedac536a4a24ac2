/**
 * kill -9 after an invite's History row is written and before its outbox item is settled (a
 * live send's journal, a flush's delivery; MPSD and MPA): the next process finds the item
 * 'sending' with its sender gone and marks it outcome unknown, but History keeps ONE row for
 * the invite, the answer MPSD gave, not that and an "outcome unknown" row beside it. Real parts:
 * the local MPSD (and its MPA), a child process that kills itself with SIGKILL at that point,
 * the SQLite files and a data folder of its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdUser } from '../../emulator/index.ts';
import type { HandleStudio } from '../handle-studio.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from '../requests/file-vault.fixture.ts';

const CHILD = fileURLToPath(new URL('./killed-after-history-child.fixture.ts', import.meta.url));
const SCID = '00000000-0000-0000-0000-00000000c0de';

let dir: string;
let vaultFile: string;
let mpsd: LocalMpsd;
/** The sending user and two invitees. */
let users: [LocalMpsdUser, LocalMpsdUser, LocalMpsdUser];
const studios: HandleStudio[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-killed-after-history-'));
  vaultFile = join(dir, 'test-vault.json');
  mpsd = await startLocalMpsd({ users: 3, rateLimits: false });
  users = mpsd.users as typeof users;
});

afterEach(async () => {
  for (const studio of studios.splice(0)) await studio.close();
  await mpsd.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<HandleStudio> {
  const studio = await openTestStudio(dir, fileVault(vaultFile));
  studios.push(studio);
  return studio;
}

async function closeAll(): Promise<void> {
  for (const studio of studios.splice(0)) await studio.close();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks from the answer
async function call<T = any>(studio: HandleStudio, channel: string, input: unknown): Promise<T> {
  const result = await studio.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Runs the child to its own SIGKILL; fails with its output if it ends any other way. */
async function runToKill(args: string[], env: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, [CHILD, dir, vaultFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  expect({ ...ended, output }).toMatchObject({ signal: 'SIGKILL' });
}

async function addProfile(studio: HandleStudio, withToken: boolean): Promise<string> {
  const profile = await call<{ id: string }>(studio, 'saveProfile', {
    name: 'Local',
    environment: 'local',
    endpoint: mpsd.url,
    sandboxId: 'XDKS.1',
  });
  if (withToken) await call(studio, 'pasteToken', { profileId: profile.id, authorization: users[0].authorization });
  return profile.id;
}

interface Row {
  id: string;
  kind: string;
  outcome: string;
  handleId?: string;
}

/** After the kill: the item is outcome unknown (the settle never came), History holds the answer once. */
async function expectOneAnsweredRow(search: string, kind: string): Promise<Row> {
  const studio = await open();
  const outbox = await call<{ items: { kind: string; state: string }[] }>(studio, 'listOutbox', {});
  expect(outbox.items.map((item) => [item.kind, item.state])).toEqual([[kind, 'outcome-unknown']]);
  const { entries } = await call<{ entries: Row[] }>(studio, 'listHistory', { search, limit: 50 });
  expect(entries.map((row) => [row.kind, row.outcome])).toEqual([[kind, 'ok']]);
  return entries[0] as Row;
}

const invite = (xuid: string) => ({
  kind: 'invite.send',
  sessionRef: { scid: SCID, templateName: 'GameSession', name: 'killed-after-history' },
  invitedXuids: [xuid],
  titleId: '1234',
});

it('a live invite send killed between its History row and its journal settle keeps one History row, the answer', async () => {
  await addProfile(await open(), true);
  await closeAll();
  const invitee = users[1].xuid;

  await runToKill(['send', JSON.stringify(invite(invitee))]);
  expect(mpsd.invites().map((sent) => sent.invitedXuid)).toEqual([invitee]);

  const row = await expectOneAnsweredRow(invitee, 'invite.send');
  expect(row.handleId).toBe(mpsd.invites()[0]?.id);
}, 120_000);

it('a flush killed between a delivered invite History row and its settle keeps one History row, the answer', async () => {
  const studio = await open();
  const profileId = await addProfile(studio, false);
  const invitee = users[2].xuid;
  // No token yet: the send waits in the outbox.
  expect(await call(studio, 'sendRequest', { runId: 'queued', profileId, request: invite(invitee) })).toMatchObject({ outcome: 'queued' });
  await closeAll();

  await runToKill(['flush', profileId], { TEST_AUTHORIZATION: users[0].authorization });
  expect(mpsd.invites().map((sent) => sent.invitedXuid)).toEqual([invitee]);

  await expectOneAnsweredRow(invitee, 'invite.send');
}, 120_000);

it('a flush killed between a delivered MPA invite call History row and its settle keeps one History row, the answer', async () => {
  const studio = await open();
  const profileId = await addProfile(studio, false);
  const invitees = [users[1].xuid, users[2].xuid];
  const queued = await studio.sendMpa({ request: { kind: 'mpa.invite.send', titleId: '1234', invitedUsers: invitees }, profileId });
  expect(queued).toMatchObject({ queued: 1 });
  await closeAll();

  await runToKill(['flush', profileId], { TEST_AUTHORIZATION: users[0].authorization });
  expect(mpsd.mpa().invites.map((sent) => sent.invitedUser)).toEqual(invitees);

  await expectOneAnsweredRow(users[2].xuid, 'mpa.invite.send');
}, 120_000);
