/**
 * A profile's send whose field holds the profile's token (an invite's context, an MPA
 * connection string) is refused BEFORE anything is written to the outbox: neither the live
 * journal (written before the call leaves) nor a queued item (the app's default queueing, a
 * token MPSD refused) may hold it, so no byte of outbox.sqlite or its WAL does. The same sends
 * without the token are written (checked in the same bytes, so the check can fail). And when the
 * keychain cannot be read, a send is refused rather than queued unchecked (token-in-fields.ts).
 * The whole core with real parts: the local MPSD and its MPA, SQLite files in a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../../emulator/index.ts';
import { HandleStudioError, toAppError, type AppError } from '../../shared/errors.ts';
import { parseHandleRequest } from '../../shared/mpsd/requests.ts';
import { systemClock } from '../clock.ts';
import { openHistoryStore } from '../history/history-store.ts';
import { deadEndpoint } from '../mpa/mpa-sender.fixture.ts';
import { openOutboxStore } from '../outbox/outbox-store.ts';
import type { HandleStudio } from '../handle-studio.ts';
import type { SecretVault } from '../ports.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { fileVault } from './file-vault.fixture.ts';
import { createSendService } from './send-service.ts';
import { storedWireRequestSchema } from './wire-request-schema.ts';

const SCID = '00000000-0000-0000-0000-00000000c0de';
const VAULT_FILE = 'test-vault.json';
/** What the control sends carry instead of the token, to show their fields do reach the outbox's bytes. */
const MARKER = 'marker-field-7Qf2kZ';

let dir: string;
let mpsd: LocalMpsd;
let studio: HandleStudio;
/** The test's keychain: a file vault that can be locked, as a locked login keyring is. */
let locked: boolean;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-token-in-queued-fields-'));
  mpsd = await startLocalMpsd({ users: 3, rateLimits: false });
  locked = false;
  const file = fileVault(join(dir, VAULT_FILE));
  const whenUnlocked =
    <A extends unknown[], R>(work: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      locked ? Promise.reject(new HandleStudioError('KEYCHAIN_UNAVAILABLE', 'The login keyring is locked: unlock it.')) : work(...args);
  const vault: SecretVault = {
    kind: 'keychain',
    get: whenUnlocked(file.get),
    set: whenUnlocked(file.set),
    delete: whenUnlocked(file.delete),
    keys: whenUnlocked(file.keys),
  };
  studio = await openTestStudio(dir, vault);
});

afterEach(async () => {
  await studio.close();
  await mpsd.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A token no MPSD issued: random, so a piece of it is found nowhere else. */
const newAuthorization = () => `XBL3.0 x=1234567890123456789;${randomBytes(72).toString('base64url')}`;
/** 40 characters from the middle of the token part: "a long piece of it". */
const pieceOf = (authorization: string) => authorization.slice(authorization.indexOf(';') + 1).slice(20, 60);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks from the answer
async function call<T = any>(channel: string, input: unknown): Promise<T> {
  const result = await studio.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** The error a call answers with; fails the test when it succeeds. */
async function refusal(send: () => Promise<unknown>): Promise<AppError> {
  try {
    await send();
  } catch (thrown) {
    return toAppError(thrown);
  }
  throw new Error('The send was not refused.');
}

async function refusedSend(input: unknown): Promise<AppError> {
  const result = await studio.dispatch('sendRequest', input);
  if (result.ok) throw new Error(`The send was not refused: ${JSON.stringify(result.value).slice(0, 300)}`);
  return result.error;
}

async function profileWith(name: string, endpoint: string, authorization: string): Promise<string> {
  const profile = await call<{ id: string }>('saveProfile', { name, environment: 'local', endpoint, sandboxId: 'XDKS.1' });
  await call('pasteToken', { profileId: profile.id, authorization });
  return profile.id;
}

/** The data folder's files whose bytes hold `text` (outbox.sqlite and its -wal among them); the test's keychain file aside. */
function filesHolding(text: string): string[] {
  return readdirSync(dir).filter((name) => name !== VAULT_FILE && readFileSync(join(dir, name)).includes(text));
}

const invite = (xuid: string, context: string) => ({
  kind: 'invite.send',
  sessionRef: { scid: SCID, templateName: 'GameSession', name: 'token-in-fields' },
  invitedXuids: [xuid],
  titleId: '1234',
  context,
});
const mpaInvite = (xuid: string, connectionString: string) => ({
  kind: 'mpa.invite.send',
  titleId: '1234',
  invitedUsers: [xuid],
  connectionString,
});
const mpaActivity = (xuid: string, connectionString: string) => ({
  kind: 'mpa.activity.set',
  titleId: '1234',
  xuid,
  connectionString,
  joinRestriction: 'Followed',
  maxPlayers: 4,
  currentPlayers: 1,
});

const listedKinds = async () =>
  (await call<{ items: { kind: string; state: string }[] }>('listOutbox', {})).items.map((i) => [i.kind, i.state]);

it("a live send (its journal is written before the call) holding the token is refused before the outbox, MPSD's and MPA's", async () => {
  const authorization = newAuthorization();
  const piece = pieceOf(authorization);
  const profileId = await profileWith('Offline', await deadEndpoint(), authorization);
  const [, invitee] = mpsd.users.map((user) => user.xuid) as [string, string];

  const mpsdRefusal = await refusedSend({ runId: 'r1', profileId, request: invite(invitee, `join ${piece}`) });
  // (The dispatcher's own guard, credential-guard.ts, may be the one that refuses it first: the same VALIDATION.)
  expect(mpsdRefusal).toMatchObject({ code: 'VALIDATION' });
  expect(mpsdRefusal.message).toContain('Xbox Live token');
  const mpaRefusal = await refusal(() => studio.sendMpa({ request: mpaInvite(invitee, piece), profileId }));
  expect(mpaRefusal).toMatchObject({ code: 'VALIDATION' });
  expect(mpaRefusal.message).toContain("holds the profile's Xbox Live token");
  expect(`${mpsdRefusal.message} ${mpaRefusal.message}`).not.toContain(piece);
  expect(await listedKinds()).toEqual([]);

  // The same sends without the token are journaled, then kept queued (offline): their fields are in the outbox's bytes.
  expect(await call('sendRequest', { runId: 'r2', profileId, request: invite(invitee, MARKER) })).toMatchObject({ outcome: 'queued' });
  expect(await studio.sendMpa({ request: mpaInvite(invitee, `${MARKER}-mpa`), profileId })).toMatchObject({ queued: 1 });
  expect(await listedKinds()).toEqual([
    ['invite.send', 'queued'],
    ['mpa.invite.send', 'queued'],
  ]);
  expect(filesHolding(MARKER)).toContain('outbox.sqlite-wal');
  expect(filesHolding(`${MARKER}-mpa`)).toContain('outbox.sqlite-wal');

  expect(filesHolding(piece)).toEqual([]);
  // Nor any 16 characters of it (the masking rule's run).
  expect(filesHolding(piece.slice(0, 16))).toEqual([]);
});

it('a send queued because MPSD refused the token (the app default) is checked against that token before it is queued, MPSD and MPA', async () => {
  const authorization = newAuthorization();
  const piece = pieceOf(authorization);
  const profileId = await profileWith('Refused', mpsd.url, authorization);
  const [sender, invitee] = mpsd.users.map((user) => user.xuid) as [string, string];
  // The local MPSD never issued it: 401, and the profile's token is marked refused.
  const first = await call('sendRequest', {
    runId: 'r0',
    profileId,
    request: { kind: 'activity.set', sessionRef: { scid: SCID, templateName: 'GameSession', name: 'token-in-fields' } },
    queueIfUnavailable: false,
  });
  expect(first).toMatchObject({ outcome: 'failed', error: { code: 'UNAUTHORIZED' } });
  expect(await call('getTokenState', { profileId })).toMatchObject({ state: 'refused' });

  expect(await refusedSend({ runId: 'r1', profileId, request: invite(invitee, piece) })).toMatchObject({ code: 'VALIDATION' });
  expect(await refusal(() => studio.sendMpa({ request: mpaActivity(sender, piece), profileId }))).toMatchObject({ code: 'VALIDATION' });
  expect(await listedKinds()).toEqual([]);

  expect(await call('sendRequest', { runId: 'r2', profileId, request: invite(invitee, MARKER) })).toMatchObject({
    outcome: 'queued',
    error: { code: 'UNAUTHORIZED' },
  });
  expect(await studio.sendMpa({ request: mpaActivity(sender, `${MARKER}-mpa`), profileId })).toMatchObject({
    queued: 1,
    error: { code: 'UNAUTHORIZED' },
  });
  expect(await listedKinds()).toEqual([
    ['invite.send', 'queued'],
    ['mpa.activity.set', 'queued'],
  ]);
  expect(filesHolding(MARKER)).toContain('outbox.sqlite-wal');
  expect(filesHolding(`${MARKER}-mpa`)).toContain('outbox.sqlite-wal');

  expect(filesHolding(piece)).toEqual([]);
  expect(filesHolding(piece.slice(-16))).toEqual([]);
  // Nothing reached MPSD or MPA after the first 401.
  expect(mpsd.invites()).toEqual([]);
  expect(mpsd.mpa().invites).toEqual([]);
});

it('with the keychain locked a send is not queued unchecked: refused, saying why; once it is unlocked the same send queues', async () => {
  const profileId = await profileWith('Locked', await deadEndpoint(), newAuthorization());
  const [sender, invitee] = mpsd.users.map((user) => user.xuid) as [string, string];
  locked = true;

  const mpsdRefusal = await refusedSend({ runId: 'r1', profileId, request: invite(invitee, MARKER) });
  expect(mpsdRefusal.code).toBe('KEYCHAIN_UNAVAILABLE');
  expect(mpsdRefusal.message).toMatch(/^The login keyring is locked: unlock it\. Not queued either: .*cannot check that no field/);
  const mpaRefusal = await refusal(() => studio.sendMpa({ request: mpaActivity(sender, MARKER), profileId }));
  expect(mpaRefusal.code).toBe('KEYCHAIN_UNAVAILABLE');
  expect(mpaRefusal.message).toContain('Not queued either');
  expect(await listedKinds()).toEqual([]);
  expect(filesHolding(MARKER)).toEqual([]);

  locked = false;
  expect(await call('sendRequest', { runId: 'r2', profileId, request: invite(invitee, MARKER) })).toMatchObject({ outcome: 'queued' });
  expect(await listedKinds()).toEqual([['invite.send', 'queued']]);
});

it('the send service itself (below any guard of the front doors) refuses a live invite holding the token before its journal', async () => {
  const authorization = newAuthorization();
  const piece = pieceOf(authorization);
  const endpoint = await deadEndpoint();
  // Its own files: the studio of beforeEach keeps the data folder's open.
  const own = mkdtempSync(join(tmpdir(), 'hs-token-in-fields-service-'));
  const outbox = openOutboxStore({ dataDir: own, requestSchema: storedWireRequestSchema });
  const history = openHistoryStore({ dataDir: own });
  try {
    const service = createSendService({
      fetch: globalThis.fetch,
      clock: systemClock,
      history,
      outbox,
      targetForProfile: () => ({
        profileId: 'p1',
        sender: { profileId: 'p1', profileName: 'Offline', sandbox: 'XDKS.1' },
        endpoint,
        contractVersion: 107,
        locale: 'en-US',
        authorization: { current: async () => authorization, renew: async () => authorization },
        canQueue: true,
      }),
      onProgress: () => undefined,
    });
    const [, invitee] = mpsd.users.map((user) => user.xuid) as [string, string];
    const send = (context: string) => service.send({ runId: context.slice(0, 8), request: parseHandleRequest(invite(invitee, context)) });
    expect(await refusal(() => send(`join ${piece}`))).toMatchObject({ code: 'VALIDATION' });
    expect(await send(MARKER)).toMatchObject({ outcome: 'queued' });
    const holding = (text: string) => readdirSync(own).filter((name) => readFileSync(join(own, name)).includes(text));
    expect(holding(MARKER)).toContain('outbox.sqlite-wal');
    expect(holding(piece.slice(0, 16))).toEqual([]);
  } finally {
    outbox.close();
    history.close();
    rmSync(own, { recursive: true, force: true });
  }
});
