/**
 * kill -9 of a process waiting for MPSD's answer to an invite MPSD already acted on: the next
 * process marks the invite outcome-unknown in the outbox, and History gets one row for it saying
 * so (OUTCOME_UNKNOWN, check before resending), so "send again to whom History does not list"
 * cannot invite that person twice. Real parts: the local MPSD behind a loopback proxy that passes
 * the call on and holds the answer, a child process killed with SIGKILL, SQLite files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../../emulator/index.ts';
import type { HandleStudio } from '../handle-studio.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from '../requests/file-vault.fixture.ts';
import { INTERRUPTED_MESSAGE, interruptedEntry } from './interrupted-history.ts';

const CHILD = fileURLToPath(new URL('../requests/fan-out-child.fixture.ts', import.meta.url));
const OPENER = fileURLToPath(new URL('./open-child.fixture.ts', import.meta.url));
const SCID = '00000000-0000-0000-0000-00000000c0de';

let dir: string;
let mpsd: LocalMpsd | null = null;
let proxy: Server | null = null;
const held: ServerResponse[] = [];
const studios: HandleStudio[] = [];
let child: ChildProcess | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const studio of studios.splice(0)) await studio.close();
  for (const response of held.splice(0)) response.destroy();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await mpsd?.stop();
  rmSync(dir, { recursive: true, force: true });
  proxy = mpsd = child = null;
});

/** Passes each call on to `target` and never answers it: the answer is held until the test ends. */
async function holdingProxy(target: string): Promise<string> {
  proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', target);
      const forwarded = httpRequest(url, { method: incoming.method, headers: { ...incoming.headers, host: url.host } }, (answer) => {
        answer.resume();
        // Reads (the profile's own look-ups) are answered; calls that act are held.
        if (incoming.method === 'GET') {
          answer.on('end', () => outgoing.writeHead(answer.statusCode ?? 502).end());
          return;
        }
        held.push(outgoing);
      });
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

async function openStudio(vaultFile: string): Promise<HandleStudio> {
  const vault = fileVault(vaultFile);
  const studio = await openTestStudio(dir, vault);
  studios.push(studio);
  return studio;
}

/** Opens Handle Studio on the data folder in a child process and closes it; answers its start notices. */
async function openInChild(vaultFile: string): Promise<string[]> {
  const opener = spawn(process.execPath, [OPENER, dir, vaultFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  opener.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  opener.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => opener.once('exit', resolve));
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks from the answer
async function call<T = any>(studio: HandleStudio, channel: string, input: unknown): Promise<T> {
  const result = await studio.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

it('an invite MPSD acted on whose answer never came back before kill -9 is in History as outcome unknown, once', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-interrupted-history-'));
  const vaultFile = join(dir, 'test-vault.json');
  mpsd = await startLocalMpsd({ users: 2, rateLimits: false });
  const endpoint = await holdingProxy(mpsd.url);
  const invitee = mpsd.users[1]!.xuid;

  const setup = await openStudio(vaultFile);
  const profile = await call(setup, 'saveProfile', { name: 'Local', environment: 'local', endpoint, sandboxId: 'XDKS.1' });
  await call(setup, 'pasteToken', { profileId: profile.id, authorization: mpsd.users[0]!.authorization });
  await setup.close();
  studios.splice(0);

  const request = {
    kind: 'invite.send',
    sessionRef: { scid: SCID, templateName: 'GameSession', name: 'killed' },
    invitedXuids: [invitee],
    titleId: '1234',
  };
  child = spawn(process.execPath, [CHILD, dir, vaultFile, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'] });
  // MPSD created the invite; its answer is held, so the sender is still waiting when it dies.
  await expect.poll(() => mpsd!.invites().length, { timeout: 30_000, interval: 10 }).toBe(1);
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));

  // Two processes open the data folder at once after the kill: the item is marked, and written to History, by one of them.
  const opened = await Promise.all([openInChild(vaultFile), openInChild(vaultFile)]);
  expect(opened.filter((notices) => notices.some((message) => /were being sent when Handle Studio stopped/.test(message)))).toHaveLength(1);
  const first = await openStudio(vaultFile);
  const second = await openStudio(vaultFile);
  for (const studio of [first, second]) await call(studio, 'listOutbox', {});

  const outbox = await call<{ items: { invitedXuid: string; state: string }[] }>(first, 'listOutbox', {});
  expect(outbox.items.map((item) => [item.invitedXuid, item.state])).toEqual([[invitee, 'outcome-unknown']]);
  const found = await call<{ entries: { invitedXuid: string; outcome: string; profileName: string; errorCode?: string }[] }>(
    second,
    'listHistory',
    { search: invitee, limit: 50 },
  );
  expect(found.entries).toHaveLength(1);
  expect(found.entries[0]).toMatchObject({ invitedXuid: invitee, outcome: 'outcome-unknown', profileName: 'Local' });
  const { entries } = await call<{ entries: { id: string }[] }>(first, 'listHistory', { limit: 50 });
  const entry = await call<{ errorCode?: string; errorMessage?: string; request: { method: string; url: string } }>(
    first,
    'getHistoryEntry',
    { id: entries[0]!.id },
  );
  expect(entry).toMatchObject({ errorCode: 'OUTCOME_UNKNOWN', errorMessage: INTERRUPTED_MESSAGE });
  expect(entry.request).toMatchObject({ method: 'POST', url: `${endpoint}/handles` });
  // Nothing is sent again by anyone: the invite reached MPSD once.
  expect((await call(first, 'flushOutbox', {})).attempted).toBe(0);
  expect(mpsd.invites()).toHaveLength(1);
});

it("an interrupted MPA invite's row names each invitee, and a row whose profile is gone keeps the name it was queued with", () => {
  const entry = interruptedEntry(
    {
      id: 'item-1',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:05.000Z',
      profileId: 'gone',
      profileName: 'Lobby QA',
      kind: 'mpa.invite.send',
      request: {
        kind: 'mpa.invite.send',
        method: 'POST',
        path: '/titles/1234/invites',
        body: { invitedUsers: ['2814660000000002', '2814660000000003'] },
      },
      state: 'outcome-unknown',
      attempts: 1,
    },
    undefined,
  );
  expect(entry).toMatchObject({
    profileName: 'Lobby QA',
    invitedXuids: ['2814660000000002', '2814660000000003'],
    request: { method: 'POST', url: '/titles/1234/invites' },
    error: { code: 'OUTCOME_UNKNOWN', message: INTERRUPTED_MESSAGE },
  });
});
