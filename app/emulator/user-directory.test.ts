import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../shared/errors.ts';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { createUserDirectory } from './user-directory.ts';
import { callAs, inviteBody, manualClock, userAt } from './test-calls.fixture.ts';

let mpsd: LocalMpsd;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  clock = manualClock();
  mpsd = await startLocalMpsd({ rateLimits: false, clock });
});

afterEach(async () => {
  await mpsd.stop();
});

function inviteWith(authorization: string | null) {
  return callAs(mpsd, null, 'POST', '/handles', {
    body: inviteBody('2814679796296491'),
    headers: authorization === null ? {} : { Authorization: authorization },
  });
}

describe('the test users', () => {
  it('starts with four distinct users whose XUIDs are decimal strings and whose tokens work', async () => {
    expect(mpsd.users).toHaveLength(4);
    expect(new Set(mpsd.users.map((user) => user.xuid)).size).toBe(4);
    for (const user of mpsd.users) {
      expect(user.xuid).toMatch(/^[1-9][0-9]{15}$/);
      expect(user.gamertag).toMatch(/^StudioTester[1-4]$/);
      expect(user.authorization).toMatch(/^XBL3\.0 x=[0-9]+;\S+$/);
      expect((await inviteWith(user.authorization)).status).toBe(201);
    }
  });

  it('creates as many users as asked', async () => {
    const bigger = await startLocalMpsd({ users: 12, rateLimits: false });
    try {
      expect(bigger.users).toHaveLength(12);
      expect(bigger.directory.users()).toHaveLength(12);
    } finally {
      await bigger.stop();
    }
  });
});

describe('401 for tokens MPSD would not accept', () => {
  it('refuses a missing header, telling the form it needs', async () => {
    const answer = await inviteWith(null);
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('The Authorization header is required: XBL3.0 x=<uhs>;<token>.');
    expect(answer.headers.get('www-authenticate')).toContain('error="missing"');
  });

  it.each([
    ['a Bearer token', (value: string) => value.replace('XBL3.0 x=', 'Bearer ')],
    ['no user hash', (value: string) => value.replace(/x=[0-9]+;/, 'x=;')],
    ['two spaces after the scheme', (value: string) => value.replace('XBL3.0 ', 'XBL3.0  ')],
    ['lower-case scheme', (value: string) => value.replace('XBL3.0', 'xbl3.0')],
  ])('refuses %s as malformed', async (_what, mangle) => {
    const answer = await inviteWith(mangle(userAt(mpsd, 0).authorization));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('error="malformed"');
  });

  it("refuses an unknown token and a token sent with another user's hash", async () => {
    const [first, second] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const unknown = await inviteWith('XBL3.0 x=123;not-a-token-we-issued');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('error="unknown"');
    const secondHash = /x=([0-9]+);/.exec(second.authorization)?.[1] as string;
    const swapped = first.authorization.replace(/x=[0-9]+;/, `x=${secondHash};`);
    const mismatched = await inviteWith(swapped);
    expect(mismatched.status).toBe(401);
    expect(mismatched.text).not.toContain(swapped.split(';')[1] as string);
  });

  it('refuses an expired token once the clock passes NotAfter, and says when it expired', async () => {
    const issued = mpsd.directory.issueToken({ xuid: userAt(mpsd, 0).xuid, expiresAt: clock.now() + 60_000 });
    expect(issued.notAfter).toBe(new Date(clock.now() + 60_000).toISOString());
    expect((await inviteWith(issued.authorization)).status).toBe(201);
    clock.advance(60_000);
    const expired = await inviteWith(issued.authorization);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="expired"');
    expect(expired.text).toBe(`The token expired at ${issued.notAfter}. Refresh it and retry.`);
    expect(expired.text).not.toContain(issued.token);
  });

  it("refuses a revoked token while the user's other tokens keep working", async () => {
    const xuid = userAt(mpsd, 0).xuid;
    const revoked = mpsd.directory.issueToken({ xuid });
    const kept = mpsd.directory.issueToken({ xuid });
    expect(mpsd.directory.revoke(revoked.token)).toBe(true);
    expect(mpsd.directory.revoke(revoked.token)).toBe(false);
    expect((await inviteWith(revoked.authorization)).headers.get('www-authenticate')).toContain('error="revoked"');
    expect((await inviteWith(kept.authorization)).status).toBe(201);
  });
});

describe('directory.issueToken', () => {
  it('issues a token whose identity MPSD uses: sender, sandbox and title', async () => {
    const user = userAt(mpsd, 2);
    const issued = mpsd.directory.issueToken({ xuid: user.xuid, sandbox: 'ABCD.3', titleId: '1234' });
    expect(issued.authorization).toBe(`XBL3.0 x=${issued.uhs};${issued.token}`);
    const authentication = mpsd.directory.authenticate(issued.authorization);
    expect(authentication).toEqual({
      ok: true,
      caller: { xuid: user.xuid, gamertag: user.gamertag, uhs: issued.uhs, sandbox: 'ABCD.3', titleId: '1234', deviceId: user.deviceId },
    });
    const invite = await inviteWith(issued.authorization);
    expect((invite.json as { senderXuid: string }).senderXuid).toBe(user.xuid);
  });

  it('keeps one user hash per user, as XSTS does', () => {
    const xuid = userAt(mpsd, 0).xuid;
    expect(mpsd.directory.issueToken({ xuid }).uhs).toBe(mpsd.directory.issueToken({ xuid }).uhs);
    expect(mpsd.directory.issueToken({ xuid }).token).not.toBe(mpsd.directory.issueToken({ xuid }).token);
  });

  it.each([
    [{ xuid: '42' }, 'XUID 42 is not a user of the local MPSD'],
    [{ xuid: 42 as unknown as string }, 'is not a user of the local MPSD'],
    [{ sandbox: 'xdks.1' }, 'sandbox must look like ABCD.3'],
    [{ gamertag: '' }, 'gamertag must be a non-empty string'],
    [{ expiresAt: Number.NaN }, 'expiresAt must be a time in milliseconds'],
    [{ titleId: '0x4D2' }, 'titleId must be a decimal string'],
  ])('refuses %o with a VALIDATION error', (patch, message) => {
    const request = { xuid: userAt(mpsd, 0).xuid, ...patch };
    expect(() => mpsd.directory.issueToken(request)).toThrow(HandleStudioError);
    expect(() => mpsd.directory.issueToken(request)).toThrow(message);
  });

  it('issues tokens for users added later, and refuses duplicate XUIDs', async () => {
    const added = mpsd.directory.addUser({ gamertag: 'Late Joiner' });
    expect(mpsd.directory.find(added.xuid)).toEqual(added);
    const chosen = mpsd.directory.addUser({ gamertag: 'Chosen', xuid: '2535000000000042' });
    expect(chosen.xuid).toBe('2535000000000042');
    expect(() => mpsd.directory.addUser({ gamertag: 'Again', xuid: '2535000000000042' })).toThrow('already a test user');
    expect(() => mpsd.directory.addUser({ gamertag: 'Bad', xuid: '12a' })).toThrow('must be a decimal string');
    const issued = mpsd.directory.issueToken({ xuid: added.xuid });
    expect((await inviteWith(issued.authorization)).status).toBe(201);
  });
});

describe('seeded user directory', () => {
  it('hands out the same user hashes and first tokens after a restart with the same seed', () => {
    const first = createUserDirectory(2, () => 0, 'seed-a');
    const again = createUserDirectory(2, () => 0, 'seed-a');
    const xuid = first.users()[0]!.xuid;
    const token = first.issueToken({ xuid });
    expect(again.issueToken({ xuid }).authorization).toBe(token.authorization);
    expect(again.authenticate(token.authorization).ok).toBe(true);
  });

  it('gives different tokens for another seed, for each later issue, and without a seed', () => {
    const seeded = createUserDirectory(1, () => 0, 'seed-a');
    const xuid = seeded.users()[0]!.xuid;
    const firstToken = seeded.issueToken({ xuid }).authorization;
    expect(seeded.issueToken({ xuid }).authorization).not.toBe(firstToken);
    expect(createUserDirectory(1, () => 0, 'seed-b').issueToken({ xuid }).authorization).not.toBe(firstToken);
    expect(createUserDirectory(1, () => 0).issueToken({ xuid }).authorization).not.toBe(
      createUserDirectory(1, () => 0).issueToken({ xuid }).authorization,
    );
  });
});
