/**
 * The invite journal on a real outbox.sqlite: each invite is 'sending' on disk (seen through a
 * second connection) while its POST is out, is settled after, and closing tidies the journal.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { InviteeResult } from '../../shared/contract/requests.ts';
import { inviteSend } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type InviteSendRequest } from '../../shared/mpsd/requests.ts';
import type { MpsdExchange, WireRequest } from '../../shared/mpsd/wire.ts';
import type { MpsdClient } from '../mpsd/client.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import { openInviteJournal, type KeepWriting } from './invite-journal.ts';
import { storedWireRequestSchema } from './wire-request-schema.ts';

const NODE = join(import.meta.dirname, '../../../node_modules/.bin/node');
const CHILD = join(import.meta.dirname, 'journal-child.fixture.ts');

const XUIDS = ['2814660000000002', '2814660000000003', '2814660000000004'] as const;
const TARGET = { endpoint: 'https://sessiondirectory.xboxlive.com', contractVersion: 107 as const, locale: 'en-US' };

let dir: string;
let outbox: OutboxStore;
let warnings: string[];

const keep: KeepWriting = (what, work) => {
  try {
    work();
    return true;
  } catch (thrown) {
    warnings.push(`${what}: ${(thrown as Error).message}`);
    return false;
  }
};

function wires(): WireRequest[] {
  const request = parseHandleRequest({
    kind: 'invite.send',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'journal' },
    invitedXuids: XUIDS,
    titleId: '1234',
  }) as InviteSendRequest;
  return inviteSend(request);
}

/** The row's state as another process would read it from the file. */
function stateOnDisk(xuid: string): string | undefined {
  const db = new DatabaseSync(join(dir, 'outbox.sqlite'), { readOnly: true });
  try {
    return (db.prepare('SELECT state FROM outbox WHERE invited_xuid = ?').get(xuid) as { state: string } | undefined)?.state;
  } finally {
    db.close();
  }
}

function exchangeFor(wire: WireRequest, error?: MpsdExchange['error']): MpsdExchange {
  return {
    kind: wire.kind,
    request: { method: 'POST', url: `${TARGET.endpoint}/handles`, headers: {}, body: '' },
    invitedXuid: wire.invitedXuid,
    startedAt: new Date().toISOString(),
    durationMs: 1,
    ...(error ? { error } : { handleId: `handle-${wire.invitedXuid}`, response: { status: 201, headers: {}, body: '{}' } }),
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-journal-'));
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  warnings = [];
});

afterEach(() => {
  outbox.close();
  rmSync(dir, { recursive: true, force: true });
});

it('marks each invite sending on disk before it goes out, with the answer before it settled in the same commit', async () => {
  const journal = openInviteJournal({ outbox, profileId: 'p1', wires: wires(), labels: { [XUIDS[0]]: 'Alice' }, target: TARGET, keep });
  const seenWhileOut: (string | undefined)[][] = [];
  const network: MpsdClient = {
    send(wire) {
      seenWhileOut.push(XUIDS.map(stateOnDisk));
      return Promise.resolve(exchangeFor(wire));
    },
  };
  const client = journal.guard(network);
  for (const wire of wires()) await client.send(wire);

  // While an invite is out, the one before it is settled on disk and the ones after are not yet claimed.
  expect(seenWhileOut).toEqual([
    ['sending', 'queued', 'queued'],
    ['sent', 'sending', 'queued'],
    ['sent', 'sent', 'sending'],
  ]);
  // The last answer has no next claim to ride with: it is written once the event loop turns.
  await new Promise((resolve) => setImmediate(resolve));
  expect(XUIDS.map(stateOnDisk)).toEqual(['sent', 'sent', 'sent']);
  expect(outbox.list({ states: ['sent'] }).map((item) => [item.invitedXuid, item.handleId, item.label])).toEqual([
    [XUIDS[0], `handle-${XUIDS[0]}`, 'Alice'],
    [XUIDS[1], `handle-${XUIDS[1]}`, undefined],
    [XUIDS[2], `handle-${XUIDS[2]}`, undefined],
  ]);
  expect(warnings).toEqual([]);
});

it('does not send an invite whose journal entry another process claimed first', async () => {
  const journal = openInviteJournal({ outbox, profileId: 'p1', wires: wires(), labels: undefined, target: TARGET, keep });
  const other = new DatabaseSync(join(dir, 'outbox.sqlite'));
  other.prepare("UPDATE outbox SET state = 'outcome-unknown' WHERE invited_xuid = ?").run(XUIDS[1]);
  other.close();
  const sent: string[] = [];
  const client = journal.guard({
    send(wire) {
      sent.push(wire.invitedXuid ?? '');
      return Promise.resolve(exchangeFor(wire));
    },
  });
  const exchanges = [];
  for (const wire of wires()) exchanges.push(await client.send(wire));

  expect(sent).toEqual([XUIDS[0], XUIDS[2]]);
  expect(exchanges[1]?.error).toMatchObject({ code: 'CANCELLED' });
  expect(exchanges[1]?.error?.message).toMatch(/changed by another Handle Studio process/);
});

it('closing leaves unknown outcomes and unrecorded deliveries, queues what could not go out when asked, and drops the rest', async () => {
  const all = wires();
  const journal = openInviteJournal({ outbox, profileId: 'p1', wires: all, labels: undefined, target: TARGET, keep });
  const client = journal.guard({
    send(wire) {
      if (wire.invitedXuid === XUIDS[1])
        return Promise.resolve(exchangeFor(wire, { code: 'OUTCOME_UNKNOWN', message: 'The connection dropped.' }));
      return Promise.resolve(exchangeFor(wire));
    },
  });
  // The third invite never goes out (the send was cancelled before it).
  await client.send(all[0]!);
  await client.send(all[1]!);
  const invitees: InviteeResult[] = [
    { invitedXuid: XUIDS[0], state: 'sent' },
    { invitedXuid: XUIDS[1], state: 'outcome-unknown', error: { code: 'OUTCOME_UNKNOWN', message: 'The connection dropped.' } },
    { invitedXuid: XUIDS[2], state: 'failed', error: { code: 'OFFLINE', message: 'No network.' } },
  ];

  expect(journal.close(invitees, true, new Set([XUIDS[0]]))).toBe(1);
  expect(invitees[2]?.state).toBe('queued');
  expect(outbox.list().map((item) => [item.invitedXuid, item.state, item.origin])).toEqual([
    [XUIDS[0], 'sent', 'live'],
    [XUIDS[1], 'outcome-unknown', 'live'],
    [XUIDS[2], 'queued', 'queued'],
  ]);
});

it('closing without asking to queue drops what did not go out, and what history has', async () => {
  const all = wires();
  const journal = openInviteJournal({ outbox, profileId: 'p1', wires: all, labels: undefined, target: TARGET, keep });
  await journal.guard({ send: (wire) => Promise.resolve(exchangeFor(wire)) }).send(all[0]!);
  const invitees: InviteeResult[] = XUIDS.map((xuid, index) =>
    index === 0
      ? { invitedXuid: xuid, state: 'sent' }
      : { invitedXuid: xuid, state: 'failed', error: { code: 'OFFLINE', message: 'No network.' } },
  );

  expect(journal.close(invitees, false, new Set())).toBe(0);
  expect(outbox.list()).toEqual([]);
  expect(outbox.damaged()).toEqual([]);
});

it('sends nothing when the journal cannot be written, and says so', () => {
  outbox.close();
  let refused: unknown;
  try {
    openInviteJournal({ outbox, profileId: 'p1', wires: wires(), labels: undefined, target: TARGET, keep });
  } catch (thrown) {
    refused = thrown;
  }
  expect(refused).toMatchObject({ code: 'STORAGE' });
  expect((refused as Error).message).toMatch(/^Nothing was sent: the outbox journal/);
});

it('kill -9 with the second invite out: the first is settled on disk, the second is outcome-unknown, the third is never sent', async () => {
  outbox.close();
  const child = spawn(NODE, [CHILD, dir, JSON.stringify(wires())], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`in flight ${XUIDS[1]}`)) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => reject(new Error(`The child exited before the second invite went out: ${output}`)));
    });
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');

  // What a kill without a power cut leaves on disk, read by the next process to open the outbox.
  expect(XUIDS.map(stateOnDisk)).toEqual(['sent', 'sending', 'queued']);
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  expect(outbox.status).toMatchObject({ interruptedAtOpen: 1, droppedAtOpen: 1 });
  expect(outbox.list().map((item) => [item.invitedXuid, item.state, item.handleId])).toEqual([
    [XUIDS[0], 'sent', `handle-${XUIDS[0]}`],
    [XUIDS[1], 'outcome-unknown', undefined],
  ]);
  // Nothing of it is sent again by a flush.
  const flushed = await outbox.flush({ deliver: () => Promise.reject(new Error('nothing may be sent')) });
  expect(flushed.attempted).toBe(0);
});
