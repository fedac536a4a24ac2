/**
 * What MPSD sees of a live send, checked by the server itself: an invite's request reaches it
 * only once the invite's claim ('sending') is committed to outbox.sqlite, and by then the
 * invite before it is settled there and has its row in history.sqlite. The server reads both
 * files through connections of its own, as the next process would after a kill at that moment.
 * MPA's invite call, journaled in the same outbox, is checked the same way as it is handed to fetch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLocalMpsd } from '../../emulator/index.ts';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import { systemClock } from '../clock.ts';
import { openHistoryStore, type HistoryStore } from '../history/history-store.ts';
import { openMpaBudgets } from '../mpa/mpa-budgets.ts';
import { createMpaSender } from '../mpa/mpa-sender.ts';
import { createRateBudget } from '../mpsd/rate-budget.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import { createSendService } from './send-service.ts';
import { storedWireRequestSchema } from './wire-request-schema.ts';

const XUIDS = ['2814660000000011', '2814660000000012', '2814660000000013', '2814660000000014'];

/** What the server found on disk when an invite's request arrived. */
interface SeenOnArrival {
  invitedXuid: string;
  outbox: Record<string, string>;
  history: string[];
}

let dir: string;
let outbox: OutboxStore;
let history: HistoryStore;
let server: Server;
let seen: SeenOnArrival[];

/** Reads one of the data folder's files as another process would: its own read-only connection. */
function readFile<T>(file: string, sql: string): T[] {
  const db = new DatabaseSync(join(dir, file), { readOnly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-send-durable-'));
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  history = openHistoryStore({ dataDir: dir });
  seen = [];
  // A scripted MPSD: each invite is checked against the files before it is answered.
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { invitedXuid } = JSON.parse(body) as { invitedXuid: string };
      const rows = readFile<{ invited_xuid: string; state: string }>('outbox.sqlite', 'SELECT invited_xuid, state FROM outbox');
      seen.push({
        invitedXuid,
        outbox: Object.fromEntries(rows.map((row) => [row.invited_xuid, row.state])),
        history: readFile<{ invited_xuid: string }>('history.sqlite', 'SELECT invited_xuid FROM history ORDER BY seq').map(
          (row) => row.invited_xuid,
        ),
      });
      const handle = JSON.stringify({
        id: `00000000-0000-4000-8000-${invitedXuid.slice(-12)}`,
        type: 'invite',
        version: 1,
        invitedXuid,
        inviteAttributes: { titleId: '1234' },
      });
      response.writeHead(201, { 'content-type': 'application/json', 'x-xblcorrelationid': `correlation-${invitedXuid}` });
      response.end(handle);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  outbox.close();
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

it('an invite reaches MPSD only once its claim is on disk, after the invite before it is settled and in history', async () => {
  const budget = createRateBudget({ clock: systemClock, windows: [] });
  const service = createSendService({
    fetch: globalThis.fetch,
    clock: systemClock,
    history,
    outbox,
    rateBudgetFor: () => budget,
    targetForProfile: () => ({
      profileId: 'p1',
      sender: { profileId: 'p1', profileName: 'Local', sandbox: 'XDKS.1' },
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      contractVersion: 107,
      locale: 'en-US',
      authorization: { current: async () => 'XBL3.0 x=1;token', renew: async () => 'XBL3.0 x=1;token' },
      canQueue: true,
    }),
    onProgress: () => undefined,
  });
  const request = parseHandleRequest({
    kind: 'invite.send',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'durable' },
    invitedXuids: XUIDS,
    titleId: '1234',
  });

  const result = await service.send({ runId: 'durable', request });

  expect(result.outcome).toBe('completed');
  expect(seen).toEqual(
    XUIDS.map((xuid, index) => ({
      invitedXuid: xuid,
      // Its own claim committed; those before it answered and settled; those after not yet claimed.
      outbox: Object.fromEntries(XUIDS.map((other, at) => [other, at < index ? 'sent' : at === index ? 'sending' : 'queued'])),
      history: XUIDS.slice(0, index),
    })),
  );
  // Once the send is over, every answer is in history and the journal is gone.
  expect(readFile<{ invited_xuid: string }>('history.sqlite', 'SELECT invited_xuid FROM history ORDER BY seq')).toEqual(
    XUIDS.map((xuid) => ({ invited_xuid: xuid })),
  );
  expect(outbox.list()).toEqual([]);
});

it("an MPA invite call is handed to fetch only once its journal item is 'sending' on disk", async () => {
  const local = await startLocalMpsd({ users: 3, rateLimits: false });
  const budgets = openMpaBudgets({
    dataDir: dir,
    clock: systemClock,
    onFallback: (message) => {
      throw new Error(message);
    },
  });
  try {
    const [sender, ...invitees] = local.users;
    if (sender === undefined) throw new Error('The local MPSD made no users.');
    /** The journal item's state each time an invite call left. */
    const seenAsItLeft: string[][] = [];
    const mpa = createMpaSender({
      fetch: (input, init) => {
        if (String(input).endsWith('/invites')) {
          const rows = readFile<{ state: string }>('outbox.sqlite', "SELECT state FROM outbox WHERE kind = 'mpa.invite.send'");
          seenAsItLeft.push(rows.map((row) => row.state));
        }
        return globalThis.fetch(input, init);
      },
      clock: systemClock,
      budgets,
      history,
      outbox,
      profile: () => ({
        id: 'dev',
        name: 'Dev profile',
        sandbox: 'XDKS.1',
        endpoint: local.url,
        authorization: { current: async () => sender.authorization, renew: async () => sender.authorization },
      }),
      adHocSender: async () => 'ad-hoc',
    });

    const result = await mpa.send({
      request: {
        kind: 'mpa.invite.send',
        titleId: '1234',
        invitedUsers: invitees.map((user) => user.xuid),
        connectionString: 'lobby:1',
      },
    });

    expect(result.error).toBeUndefined();
    expect(seenAsItLeft).toEqual([['sending']]);
    expect(readFile<{ kind: string }>('history.sqlite', 'SELECT kind FROM history')).toEqual([{ kind: 'mpa.invite.send' }]);
    expect(outbox.list()).toEqual([]);
  } finally {
    budgets.close();
    await local.stop();
  }
});
