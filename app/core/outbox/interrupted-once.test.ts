/**
 * "Once per item" for the rows of a sender that died, with the worst interleaving forced: two
 * processes open the data folder and BOTH read the abandoned rows before EITHER writes (each is
 * held at the outbox's fault point), then one writes, then the other, on what it read before.
 * The outbox's marks are conditional on the row still being the dead sender's, so the second
 * process changes nothing: one is told, one History row, one never-attempted invite dropped once.
 * Real parts: a journaling child killed with SIGKILL mid-send, two child processes, SQLite files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { inviteSend } from '../../shared/mpsd/builders.ts';
import { parseHandleRequest, type InviteSendRequest } from '../../shared/mpsd/requests.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { openOutboxStore } from './outbox-store.ts';
import { storedWireRequestSchema } from '../requests/wire-request-schema.ts';

const JOURNALING = join(import.meta.dirname, '../requests/journal-child.fixture.ts');
const RECLAIMING = join(import.meta.dirname, 'reclaim-child.fixture.ts');
const XUIDS = ['2814660000000002', '2814660000000003', '2814660000000004'] as const;

let dir: string;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A child with its output gathered line by line. */
function start(script: string, args: string[]): { child: ChildProcess; lines: string[]; output: () => string } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  const lines: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    lines.push(...chunk.split('\n').filter((line) => line !== ''));
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { child, lines, output: () => text };
}

/** A process boundary: starting Node and opening the files can take a while on a loaded machine. */
const SLOW = { timeout: 60_000, interval: 10 };

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

it('two processes that both read the abandoned rows before either writes: one marks and tells, the other changes nothing', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-interrupted-once-'));
  const wires = inviteSend(
    parseHandleRequest({
      kind: 'invite.send',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'once' },
      invitedXuids: XUIDS,
      titleId: '1234',
    }) as InviteSendRequest,
  );
  // A live send killed with its second invite out: that row is 'sending', the third never attempted.
  const sender = start(JOURNALING, [dir, JSON.stringify(wires)]);
  await expect.poll(() => sender.output(), SLOW).toContain(`in flight ${XUIDS[1]}`);
  sender.child.kill('SIGKILL');
  await exited(sender.child);

  const first = start(RECLAIMING, [dir]);
  const second = start(RECLAIMING, [dir]);
  // Both hold at the fault point before the first mark: each has read every row of the dead sender.
  await expect.poll(() => [first.lines.length, second.lines.length], SLOW).toEqual([1, 1]);
  expect(first.lines[0]).toBe(second.lines[0]);

  /** Lets one process go on, answering each fault point it reaches until it ends; answers its report. */
  const runToEnd = async (held: ReturnType<typeof start>) => {
    let answered = 0;
    const answer = () => {
      for (; answered < held.lines.length; answered += 1) if (held.lines[answered]?.startsWith('read ')) held.child.stdin?.write('go\n');
    };
    held.child.stdout?.on('data', answer);
    answer();
    await exited(held.child);
    expect(held.child.exitCode, held.output()).toBe(0);
    return JSON.parse(held.lines.at(-1) ?? '{}') as {
      told: string[];
      unwritten?: string;
      status: { interruptedAtOpen: number; droppedAtOpen: number };
    };
  };
  const firstReport = await runToEnd(first);
  // The second writes on what it read before the first wrote.
  const secondReport = await runToEnd(second);

  expect(firstReport).toMatchObject({ told: [expect.any(String)], status: { interruptedAtOpen: 1, droppedAtOpen: 1 } });
  expect(firstReport.unwritten).toBeUndefined();
  expect(secondReport).toMatchObject({ told: [], status: { interruptedAtOpen: 0, droppedAtOpen: 0 } });

  const outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  const history = openHistoryStore({ dataDir: dir });
  try {
    expect(outbox.list().map((item) => [item.invitedXuid, item.state])).toEqual([
      [XUIDS[0], 'sent'],
      [XUIDS[1], 'outcome-unknown'],
    ]);
    expect(firstReport.told).toEqual([outbox.list({ states: ['outcome-unknown'] })[0]?.id]);
    const rows = history.list({ limit: 10 }).entries;
    expect(rows.map((row) => [row.invitedXuid, row.outcome])).toEqual([[XUIDS[1], 'outcome-unknown']]);
  } finally {
    outbox.close();
    history.close();
  }
}, 120_000);
