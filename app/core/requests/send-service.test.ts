/**
 * The send service when the disk fails around a send: the invites that went out must still be
 * reported (so nobody sends them again), with a warning that history could not be written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../../emulator/index.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import { systemClock } from '../clock.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import { createSendService } from './send-service.ts';
import { storedWireRequestSchema } from './wire-request-schema.ts';

let dir: string;
let mpsd: LocalMpsd;
let outbox: OutboxStore;

afterEach(async () => {
  outbox.close();
  await mpsd.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('reports every invite that went out even when history cannot be written, with a warning', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-send-'));
  mpsd = await startLocalMpsd({ rateLimits: false });
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  const fullDisk = {
    append: () => {
      throw new HandleStudioError('STORAGE', 'The disk is full.');
    },
  } as unknown as HistoryStore;
  const [sender, ...others] = mpsd.users;
  const service = createSendService({
    fetch: globalThis.fetch,
    clock: systemClock,
    history: fullDisk,
    outbox,
    targetForProfile: () => ({
      profileId: 'p1',
      sender: { profileId: 'p1', profileName: 'Local', sandbox: 'XDKS.1' },
      endpoint: mpsd.url,
      contractVersion: 107,
      locale: 'en-US',
      authorization: { current: async () => sender!.authorization, renew: async () => sender!.authorization },
      canQueue: true,
    }),
    onProgress: () => undefined,
  });

  const request = parseHandleRequest({
    kind: 'invite.send',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'full-disk' },
    invitedXuids: others.map((user) => user.xuid),
    titleId: '1234',
  });
  const result = await service.send({ runId: 'full-disk', request });

  expect(result.outcome).toBe('completed');
  expect(result.invitees?.map((invitee) => invitee.state)).toEqual(others.map(() => 'sent'));
  expect(mpsd.invites()).toHaveLength(others.length);
  expect(result.warnings).toHaveLength(1);
  expect(result.warnings?.[0]).toMatchObject({ code: 'STORAGE' });
  expect(result.warnings?.[0]?.message).toContain('History could not be written');
  // History lost them, so the journal keeps each delivered invite (with its handle id) as the record.
  expect(outbox.list().map((item) => [item.invitedXuid, item.state, item.handleId])).toEqual(
    result.invitees!.map((invitee) => [invitee.invitedXuid, 'sent', invitee.handleId]),
  );
});
