import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../shared/errors.ts';
import type { LocalMpsdUser } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { LOCAL_SIGN_IN_CLIENT_ID, localSignInEndpoints } from '../shared/local-sign-in.ts';
import { runEmulatorCommand } from './serve.ts';
import { SCID, callAs, hostSession, joinBody, sessionPath } from './test-calls.fixture.ts';

const running: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

describe('runEmulatorCommand', () => {
  it('prints exactly one JSON line with the URL and users, whose Authorization values work', async () => {
    const lines: string[] = [];
    const emulator = await runEmulatorCommand({ port: 0, rateLimits: true, json: true }, (line) => lines.push(line));
    running.push(emulator);
    const { mpsd } = emulator;
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] as string) as {
      url: string;
      users: Array<{ xuid: string; gamertag: string; authorization: string }>;
    };
    expect(Object.keys(printed)).toEqual(['url', 'users', 'tokenServices']);
    expect(printed.url).toBe(mpsd.url);
    expect(printed.users).toEqual(mpsd.users);
    const first = printed.users[0];
    if (first === undefined) throw new Error('The emulator printed no users.');
    const answer = await fetch(`${printed.url}${sessionPath('lobby')}`, {
      headers: { Authorization: first.authorization, 'x-xbl-contract-version': '107' },
    });
    expect(answer.status).toBe(204);
  });

  it('prints a banner with the same facts without --json', async () => {
    const lines: string[] = [];
    const emulator = await runEmulatorCommand({ port: 0, rateLimits: false, json: false }, (line) => lines.push(line));
    running.push(emulator);
    const { mpsd, signIn } = emulator;
    const banner = lines.join('\n');
    expect(lines[0]).toBe(`Local MPSD listening on ${mpsd.url} (rate limits off).`);
    for (const user of mpsd.users) {
      expect(banner).toContain(user.gamertag);
      expect(banner).toContain(user.xuid);
      expect(banner).toContain(user.authorization);
    }
    expect(banner).toContain(`Sign-in stand-ins at ${signIn.url}`);
    expect(banner).toContain(`application (client) id ${LOCAL_SIGN_IN_CLIENT_ID}`);
    expect(banner).toContain(`authority ${signIn.url}/consumers`);
    expect(banner).toContain(`open ${signIn.url}/link`);
    expect(banner).toContain(`${signIn.url}/_emulator/device-codes/approve`);
  });

  it('starts the sign-in stand-ins on the test users of its MPSD: their XSTS token works there, and stop() closes both', async () => {
    const lines: string[] = [];
    const emulator = await runEmulatorCommand({ port: 0, rateLimits: false, json: true }, (line) => lines.push(line));
    const printed = JSON.parse(lines[0] as string) as {
      url: string;
      tokenServices: { authority: string; userAuthenticate: string; xstsAuthorize: string; clientId: string };
    };
    const { tokenServices } = printed;
    expect(tokenServices).toEqual({ ...localSignInEndpoints(emulator.signIn.url), clientId: LOCAL_SIGN_IN_CLIENT_ID });
    expect(emulator.signIn.accounts.map((account) => account.xuid)).toEqual(emulator.mpsd.users.map((user) => user.xuid));

    const xsts = await signInWithDeviceCode(tokenServices, emulator.mpsd.users[1]!.xuid);
    const answer = await fetch(`${printed.url}${sessionPath('lobby')}`, {
      headers: { Authorization: xsts, 'x-xbl-contract-version': '107' },
    });
    expect(answer.status).toBe(204);

    await emulator.stop();
    await expect(fetch(tokenServices.authority)).rejects.toThrow();
    await expect(fetch(printed.url)).rejects.toThrow();
  });

  it('says which port is taken when the sign-in stand-ins cannot have the port after --port', async () => {
    const blocker = await startLocalMpsd();
    running.push(blocker);
    const port = Number(new URL(blocker.url).port) - 1;
    await expect(runEmulatorCommand({ port, rateLimits: true, json: true }, () => {})).rejects.toThrow(
      `Port ${port + 1} is already in use, so the sign-in stand-ins cannot start`,
    );
    // The MPSD it had started is stopped again: the port is free for the next try.
    const again = await startLocalMpsd({ port });
    running.push(again);
  });

  it('reports a port in use in words', async () => {
    const first = await startLocalMpsd();
    running.push(first);
    const port = Number(new URL(first.url).port);
    await expect(runEmulatorCommand({ port, rateLimits: true, json: true }, () => {})).rejects.toThrow(
      `Port ${port} is already in use; pick another or use 0 for a free one.`,
    );
  });
});

/** The device-code chain by hand, as a client would run it; approved through the control endpoint. Returns the Authorization value. */
async function signInWithDeviceCode(
  endpoints: { authority: string; userAuthenticate: string; xstsAuthorize: string; clientId: string },
  xuid: string,
): Promise<string> {
  const post = async (url: string, body: string, contentType: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks from the answer
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
  const scope = 'XboxLive.signin XboxLive.offline_access';
  const code = await post(
    `${endpoints.authority}/oauth2/v2.0/devicecode`,
    new URLSearchParams({ client_id: endpoints.clientId, scope }).toString(),
    'application/x-www-form-urlencoded',
  );
  const base = new URL(endpoints.authority).origin;
  const approved = await post(
    `${base}/_emulator/device-codes/approve`,
    JSON.stringify({ userCode: code.json['user_code'], xuid }),
    'application/json',
  );
  expect(approved.status).toBe(200);
  const msa = await post(
    `${endpoints.authority}/oauth2/v2.0/token`,
    new URLSearchParams({ grant_type: 'device_code', client_id: endpoints.clientId, device_code: code.json['device_code'] }).toString(),
    'application/x-www-form-urlencoded',
  );
  const xbl = { 'x-xbl-contract-version': '1' };
  const user = await post(
    endpoints.userAuthenticate,
    JSON.stringify({
      RelyingParty: 'http://auth.xboxlive.com',
      TokenType: 'JWT',
      Properties: { AuthMethod: 'RPS', SiteName: 'user.auth.xboxlive.com', RpsTicket: `d=${msa.json['access_token']}` },
    }),
    'application/json',
    xbl,
  );
  const xsts = await post(
    endpoints.xstsAuthorize,
    JSON.stringify({
      RelyingParty: 'http://xboxlive.com',
      TokenType: 'JWT',
      Properties: { UserTokens: [user.json['Token']], SandboxId: 'XDKS.1' },
    }),
    'application/json',
    xbl,
  );
  expect(xsts.json['DisplayClaims'].xui[0].xid).toBe(xuid);
  return `XBL3.0 x=${xsts.json['DisplayClaims'].xui[0].uhs};${xsts.json['Token']}`;
}

describe('runEmulatorCommand setup files', () => {
  it('reads --templates and --follows files, and refuses a bad one naming the file and the field', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hs-emulator-files-'));
    try {
      const templatesFile = join(folder, 'templates.json');
      writeFileSync(
        templatesFile,
        JSON.stringify({ serviceConfigs: { [SCID]: { Arena: { constants: { system: { maxMembersCount: 4 } } } } } }),
      );
      const followsFile = join(folder, 'follows.json');
      writeFileSync(followsFile, JSON.stringify({ '2814660000000001': { follows: ['2814660000000002'] } }));
      const lines: string[] = [];
      const emulator = await runEmulatorCommand({ port: 0, rateLimits: false, json: false, templatesFile, followsFile }, (line) =>
        lines.push(line),
      );
      running.push(emulator);
      expect(lines).toContain(`Session templates: ${templatesFile}.`);
      const [host, followed, stranger] = emulator.mpsd.users as [LocalMpsdUser, LocalMpsdUser, LocalMpsdUser];
      const created = await hostSession(emulator.mpsd, host, 'arena', { template: 'Arena', properties: { joinRestriction: 'followed' } });
      expect((created.json as { constants: { system: { maxMembersCount: number } } }).constants.system.maxMembersCount).toBe(4);
      expect((await callAs(emulator.mpsd, followed, 'PUT', sessionPath('arena', SCID, 'Arena'), { body: joinBody(followed) })).status).toBe(
        200,
      );
      expect((await callAs(emulator.mpsd, stranger, 'PUT', sessionPath('arena', SCID, 'Arena'), { body: joinBody(stranger) })).status).toBe(
        403,
      );
      expect((await callAs(emulator.mpsd, host, 'GET', sessionPath('arena'))).status).toBe(404);

      writeFileSync(followsFile, JSON.stringify({ '2814660000000001': { follows: '2814660000000002' } }));
      await expect(runEmulatorCommand({ port: 0, rateLimits: false, json: true, followsFile }, () => undefined)).rejects.toThrow(
        `The follows file ${followsFile}: 2814660000000001.follows: follows must be an array of XUID strings`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('startLocalMpsd options', () => {
  it.each([
    [{ port: 70000 }, 'port must be a whole number from 0 to 65535'],
    [{ port: 1.5 }, 'port must be a whole number'],
    [{ users: 0 }, 'users must be a whole number from 1 to 1000'],
    [{ rateLimits: 'yes' }, 'rateLimits must be true or false'],
    [{ allowedScids: ['lobby'] }, 'allowedScids holds "lobby", which is not a GUID SCID'],
    [{ allowedTemplates: ['a b'] }, 'allowedTemplates holds "a b"'],
    [{ clock: { now: 5 } }, 'clock must have a now() function'],
    [{ presenceCheck: 'yes' }, 'presenceCheck must be true or false'],
    [
      { follows: { '2814660000000001': { follows: ['1'] } } },
      'The follows option: 2814660000000001.follows.0: is not a test user of this emulator',
    ],
    [
      { templates: { serviceConfigs: { '*': { 'a b': {} } } } },
      'The templates option: serviceConfigs.*.a b: template names are 1 to 99 letters',
    ],
  ])('refuses %o with a VALIDATION error', async (options, message) => {
    const attempt = startLocalMpsd(options as Parameters<typeof startLocalMpsd>[0]);
    await expect(attempt).rejects.toBeInstanceOf(HandleStudioError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('listens on loopback and answers every call with a correlation id and MS-CV', async () => {
    const mpsd = await startLocalMpsd();
    running.push(mpsd);
    expect(mpsd.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
    const answer = await callAs(mpsd, null, 'GET', sessionPath('lobby'));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-xblcorrelationid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('ms-cv')).toMatch(/^[A-Za-z0-9+/]{16}\.0$/);
  });
});
