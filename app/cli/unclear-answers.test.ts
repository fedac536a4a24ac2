/**
 * Answers that do not say whether MPSD or MPA acted on a write, through the real CLI against a
 * loopback server in their place (as a reviewer found them): a 500, a gateway's 502/504 or a
 * proxy's 408 may follow a written handle (mpsd-handles.md §3-4), and a 2xx that is not the
 * service's own document came from something that may not be the service at all (a captive
 * portal's login page). Each is "may or may not have arrived" (exit 7), never "not sent" (which
 * invites a second send) nor "sent"; `--queue` never queues one. Refusals (4xx) stay "not sent".
 * The --queue case keeps its token in the OS keychain: run under a Secret Service (see the working rules).
 */
import { afterEach, expect, it } from 'vitest';
import { startScriptedMpsd, type ScriptedAnswer, type ScriptedMpsd } from '../core/mpsd/scripted-mpsd.fixture.ts';
import { sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const AUTH = 'XBL3.0 x=7788;eyJ.unclear-answers-cli-secret';
const TO = ['--to', '2814660000000002', '--to', '2814660000000003'];
const invite = ['invite', 'send', ...sessionFlags('lobby-4'), '--title-id', '1234', ...TO];

const world = useCliWorld();
let mpsd: ScriptedMpsd | undefined;
afterEach(async () => {
  await mpsd?.close();
  mpsd = undefined;
});

async function answering(answer: ScriptedAnswer): Promise<ScriptedMpsd> {
  mpsd = await startScriptedMpsd(() => answer);
  return mpsd;
}

const asUser = (args: string[], url: string) => world.cli([...args, '--endpoint', url], { env: { XBL_AUTHORIZATION: AUTH } });

async function historyOutcomes(): Promise<string[]> {
  const listed = await world.cli(['history', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  const entries = (JSON.parse(listed.stdout) as { entries?: { outcome?: string; handleId?: string }[] }).entries ?? [];
  expect(entries.filter((entry) => entry.handleId !== undefined)).toEqual([]);
  return entries.map((entry) => String(entry.outcome));
}

it.each([500, 502, 504, 408])(
  'invite send answered %i: both invitees "may or may not have arrived", exit 7, never "not sent"',
  async (status) => {
    const server = await answering({ status, body: 'Upstream trouble.' });
    const sent = await asUser(invite, server.url);
    expect(sent.code, sent.stderr).toBe(7);
    expect(sent.stdout).toMatch(/^outcome-unknown +2814660000000002 .*OUTCOME_UNKNOWN/m);
    expect(sent.stdout).toMatch(/^outcome-unknown +2814660000000003 /m);
    expect(sent.stdout).toContain('2 may or may not have arrived');
    expect(sent.stdout).not.toMatch(/not sent/);
    // Each invite went out once: nothing was repeated on a guess.
    expect(server.calls).toHaveLength(2);
    expect(await historyOutcomes()).toEqual(['outcome-unknown', 'outcome-unknown']);
  },
);

it('invite send refused with 400 (MPSD did not act) stays "not sent", exit 5', async () => {
  const server = await answering({ status: 400, body: 'The request body is missing the required field invitedXuid.' });
  const sent = await asUser(invite, server.url);
  expect(sent.code, sent.stderr).toBe(5);
  expect(sent.stdout).toContain('0 of 2 invites sent; 2 not sent.');
});

it.each([
  [
    "a captive portal's login page (200 text/html)",
    { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' },
    /answered 200 \(text\/html\) with "<html>login<\/html>"/,
  ],
  ['201 and {}', { status: 201, body: {} }, /answered 201 \(application\/json; charset=utf-8\) with "\{\}"/],
  [
    '201 and broken JSON',
    { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":' },
    /answered 201 \(application\/json\) with "\{"id":"/,
  ],
] as const)('invite send answered with %s: outcome unknown saying what came back and what to check', async (_, answer, said) => {
  const server = await answering(answer);
  const sent = await asUser(invite, server.url);
  expect(sent.code, sent.stderr).toBe(7);
  expect(sent.stdout).not.toMatch(/invites? sent\.|handle [0-9a-f]{8}-/);
  expect(sent.stdout).toContain('2 may or may not have arrived');
  expect(sent.stdout).toMatch(said);
  expect(sent.stdout).toMatch(/may or may not be MPSD .*Check the endpoint \(--endpoint/);
  expect(await historyOutcomes()).toEqual(['outcome-unknown', 'outcome-unknown']);
});

it('mpa invite send answered 200 text/html: outcome unknown, exit 7', async () => {
  const server = await answering({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' });
  const sent = await asUser(
    ['mpa', 'invite', 'send', '--title', '1234', '--xuid', '2814660000000001', '--to', '2814660000000002'],
    server.url,
  );
  expect(sent.code, sent.stderr).toBe(7);
  expect(`${sent.stdout}${sent.stderr}`).toMatch(/answered 200 \(text\/html\) with "<html>login<\/html>", which is not MPA's answer/);
  expect(server.calls).toHaveLength(1);
});

it('invite send --queue answered 500 queues nothing: the outbox never sends it again', { timeout: 240_000 }, async (context) => {
  const server = await answering({ status: 500, body: 'Internal error 0x80004005.' });
  await world.addProfile('unclear', server.url, { token: { authorization: AUTH, skip: (reason) => context.skip(reason) } });
  const sent = await world.cli([...invite, '--profile', 'unclear', '--queue', '--json']);
  expect(sent.code, sent.stderr).toBe(7);
  expect(JSON.parse(sent.stdout)).toMatchObject({ ok: false, queued: 0 });
  const flushed = await world.cli(['outbox', 'flush', '--json']);
  expect(flushed.code, flushed.stderr).toBe(0);
  // (profile add asks the endpoint whether it is the local emulator: only the invites count.)
  expect(server.calls.filter((call) => call.path === '/handles')).toHaveLength(2);
  const listed = JSON.parse((await world.cli(['outbox', 'list', '--json'])).stdout) as { items: { state: string }[] };
  expect(listed.items.filter((item) => item.state === 'queued')).toEqual([]);
});
