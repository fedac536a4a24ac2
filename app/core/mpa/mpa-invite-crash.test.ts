/**
 * `kill -9` while MPA holds an invite call (one call for several invitees), then a restart: the
 * call is "outcome unknown" in the outbox and no later flush sends it again, so the invitees get
 * it at most once (counted by a loopback MPA that never answers the call).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import { storedWireRequestSchema } from '../requests/wire-request-schema.ts';
import { openMpaBudgets } from './mpa-budgets.ts';
import { devProfileSender, fixedAuthorization } from './mpa-sender.fixture.ts';

const CHILD = fileURLToPath(new URL('./mpa-invite-child.fixture.ts', import.meta.url));
const AUTHORIZATION = 'XBL3.0 x=4242;crash-test-token-0123456789abcdefghijklmnop';

let dir: string;
let server: Server | null = null;
let child: ChildProcess | null = null;
let outbox: OutboxStore | null = null;
const held: ServerResponse[] = [];

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  outbox?.close();
  for (const response of held.splice(0)) response.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
  server = child = outbox = null;
});

it('kill -9 while MPA holds the invite call: outcome unknown after the restart, never sent again', async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpa-invite-kill-'));
  // A loopback MPA that counts invite calls and answers none of them.
  const inviteCalls: string[] = [];
  const holding = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.method === 'POST' && /^\/titles\/[0-9]+\/invites$/.test(request.url ?? '')) {
        inviteCalls.push(body);
        held.push(response);
        return;
      }
      response.statusCode = 404;
      response.end();
    });
  });
  server = holding;
  await new Promise<void>((resolve) => holding.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(holding.address() as AddressInfo).port}`;
  const request = { kind: 'mpa.invite.send', titleId: '1234', invitedUsers: ['2814000000000001', '2814000000000002', '2814000000000003'] };

  const running = spawn(process.execPath, [CHILD, dir, endpoint, JSON.stringify(request)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MPA_TEST_AUTHORIZATION: AUTHORIZATION },
  });
  child = running;
  let output = '';
  running.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  running.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A process boundary: starting Node and opening the files can take a while on a loaded machine.
  // (The child's output is in the failure message if it never gets there.)
  await expect
    .poll(() => ({ inviteCalls: inviteCalls.length, output }), { timeout: 60_000, interval: 20 })
    .toMatchObject({ inviteCalls: 1 });
  running.kill('SIGKILL');
  await new Promise((resolve) => running.once('exit', resolve));

  // The restart: the owner is gone, so the call in flight is outcome-unknown.
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  expect(outbox.status.interruptedAtOpen).toBe(1);
  const items = outbox.list();
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ kind: 'mpa.invite.send', state: 'outcome-unknown', profileId: 'dev' });
  expect(items[0]?.request).toMatchObject({ body: { invitedUsers: request.invitedUsers } });

  // A flush (as the background flusher would) sends nothing: only the user may send it again.
  const history = openHistoryStore({ dataDir: dir });
  const budgets = openMpaBudgets({ dataDir: dir, clock: systemClock, onFallback: () => undefined });
  try {
    const mpa = devProfileSender({ history, outbox, budgets }, () => endpoint, fixedAuthorization(AUTHORIZATION));
    expect(await outbox.flush({ deliver: mpa.deliver })).toMatchObject({ attempted: 0 });
  } finally {
    budgets.close();
    history.close();
  }
  expect(inviteCalls).toHaveLength(1);
  expect(JSON.parse(inviteCalls[0] ?? '{}')).toEqual({ invitedUsers: request.invitedUsers });
}, 120_000);
