/**
 * A send without a profile (XBL_AUTHORIZATION, the send service's `sendTo`) journals its invites
 * in the outbox under the ad-hoc sender (ad-hoc-sender.ts), so its fields are checked for the
 * token before that journal is written, as a profile's are: below every front door's own guard,
 * no byte of outbox.sqlite or its WAL may hold a piece of the token. The same send without the
 * token does reach those bytes (so the check can fail), and leaves no item behind: it was not
 * queued. Real parts: SQLite files in a temp folder, a loopback port nobody listens on.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { toAppError } from '../../shared/errors.ts';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import { systemClock } from '../clock.ts';
import { openHistoryStore, type HistoryStore } from '../history/history-store.ts';
import { deadEndpoint } from '../mpa/mpa-sender.fixture.ts';
import { AD_HOC_SENDER } from '../outbox/ad-hoc-sender.ts';
import { openOutboxStore, type OutboxStore } from '../outbox/outbox-store.ts';
import { createSendService } from './send-service.ts';
import { storedWireRequestSchema } from './wire-request-schema.ts';

const MARKER = 'marker-field-Hq83vX';

let dir: string;
let outbox: OutboxStore;
let history: HistoryStore;

afterEach(() => {
  outbox.close();
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

it("an ad-hoc invite holding a piece of XBL_AUTHORIZATION's token is refused before its journal is written", async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-ad-hoc-journal-'));
  outbox = openOutboxStore({ dataDir: dir, requestSchema: storedWireRequestSchema });
  history = openHistoryStore({ dataDir: dir });
  const authorization = `XBL3.0 x=1234567890123456789;${randomBytes(72).toString('base64url')}`;
  const piece = authorization.slice(authorization.indexOf(';') + 1).slice(20, 60);
  const service = createSendService({
    fetch: globalThis.fetch,
    clock: systemClock,
    history,
    outbox,
    targetForProfile: () => {
      throw new Error('An ad-hoc send names no profile.');
    },
    onProgress: () => undefined,
  });
  const target = {
    sender: AD_HOC_SENDER,
    endpoint: await deadEndpoint(),
    contractVersion: 107 as const,
    locale: 'en-US',
    authorization: { current: async () => authorization, renew: async () => authorization },
    canQueue: false,
  };
  const send = (context: string) =>
    service.sendTo(target, {
      runId: context.slice(0, 8),
      request: parseHandleRequest({
        kind: 'invite.send',
        sessionRef: { scid: '00000000-0000-0000-0000-00000000c0de', templateName: 'GameSession', name: 'ad-hoc' },
        invitedXuids: ['2814660000000002'],
        titleId: '1234',
        context,
      }),
    });

  const refused = await send(`join ${piece}`).then(
    () => undefined,
    (thrown: unknown) => toAppError(thrown),
  );
  expect(refused).toMatchObject({ code: 'VALIDATION' });
  // The control: nobody listens, so it fails (not queued: no profile), and its journal reached the file on the way.
  expect(await send(MARKER)).toMatchObject({ outcome: 'failed', queued: 0 });
  expect(outbox.list()).toEqual([]);
  const holding = (text: string) => readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(text));
  expect(holding(MARKER)).toContain('outbox.sqlite-wal');
  expect(holding(piece.slice(0, 16))).toEqual([]);
});
