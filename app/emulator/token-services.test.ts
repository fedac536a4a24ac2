import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from './index.ts';
import { APPROVE_CONTROL_PATH, startTokenServices, type TokenServices } from './token-services.ts';

const CLIENT_ID = '1f907974-e22b-4810-a9de-d9647380c97e';
const SCOPE = 'XboxLive.signin XboxLive.offline_access openid profile offline_access';

let mpsd: LocalMpsd;
let services: TokenServices;
let now: number;

beforeEach(async () => {
  now = Date.parse('2026-05-01T10:00:00Z');
  const clock = { now: () => now };
  mpsd = await startLocalMpsd({ rateLimits: false, clock });
  services = await startTokenServices({ directory: mpsd.directory, clock, tokenLifetimeSeconds: 3600 });
});

afterEach(async () => {
  await services.close();
  await mpsd.stop();
});

async function form(path: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${services.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function xbox(path: string, body: unknown, contractVersion: string | null = '1'): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (contractVersion !== null) headers['x-xbl-contract-version'] = contractVersion;
  const response = await fetch(`${services.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

/** Device code → approval → Microsoft access token, as a client would do it. */
async function msaTokens(username?: string): Promise<Record<string, unknown>> {
  const code = await form('/consumers/oauth2/v2.0/devicecode', { client_id: CLIENT_ID, scope: SCOPE });
  expect(code.status).toBe(200);
  const pending = await form('/consumers/oauth2/v2.0/token', {
    grant_type: 'device_code',
    client_id: CLIENT_ID,
    device_code: String(code.body['device_code']),
  });
  expect(pending).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
  expect(services.pendingUserCodes()).toEqual([code.body['user_code']]);
  expect(services.approveDeviceCode(String(code.body['user_code']), username)).toBe(true);
  const granted = await form('/consumers/oauth2/v2.0/token', {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: CLIENT_ID,
    device_code: String(code.body['device_code']),
  });
  expect(granted.status).toBe(200);
  return granted.body;
}

function userAuthenticateBody(accessToken: string) {
  return {
    RelyingParty: 'http://auth.xboxlive.com',
    TokenType: 'JWT',
    Properties: { AuthMethod: 'RPS', SiteName: 'user.auth.xboxlive.com', RpsTicket: `d=${accessToken}` },
  };
}

function xstsBody(userToken: string, sandbox = 'XDKS.1') {
  return { RelyingParty: 'http://xboxlive.com', TokenType: 'JWT', Properties: { UserTokens: [userToken], SandboxId: sandbox } };
}

async function userToken(): Promise<string> {
  const tokens = await msaTokens();
  const answer = await xbox('/user/authenticate', userAuthenticateBody(String(tokens['access_token'])));
  return String((JSON.parse(answer.text) as { Token: string }).Token);
}

describe('Microsoft account stand-in', () => {
  it('publishes OpenID metadata that points at itself', async () => {
    const metadata = (await (await fetch(`${services.url}/consumers/v2.0/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(metadata['token_endpoint']).toBe(`${services.url}/consumers/oauth2/v2.0/token`);
    expect(metadata['authorization_endpoint']).toBe(`${services.url}/consumers/oauth2/v2.0/authorize`);
    expect(metadata['issuer']).toMatch(new RegExp(`^${services.url}/`));
  });

  it('issues tokens for an approved device code, once, for the account that approved it', async () => {
    const second = services.accounts[1]!;
    const tokens = await msaTokens(second.username);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'XboxLive.signin XboxLive.offline_access' });
    const claims = JSON.parse(Buffer.from(String(tokens['id_token']).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: CLIENT_ID, preferred_username: second.username, name: second.gamertag });
  });

  it('refuses a device-code request without the Xbox Live scopes, and a declined code', async () => {
    expect(await form('/consumers/oauth2/v2.0/devicecode', { client_id: CLIENT_ID, scope: 'openid' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope', error_description: 'scope must include XboxLive.signin and XboxLive.offline_access.' },
    });
    const code = await form('/consumers/oauth2/v2.0/devicecode', { client_id: CLIENT_ID, scope: SCOPE });
    services.declineDeviceCode(String(code.body['user_code']));
    expect(
      await form('/consumers/oauth2/v2.0/token', {
        grant_type: 'device_code',
        client_id: CLIENT_ID,
        device_code: String(code.body['device_code']),
      }),
    ).toMatchObject({
      body: { error: 'authorization_declined' },
    });
  });

  it('lets a person approve a device code on the verification page', async () => {
    const code = await form('/consumers/oauth2/v2.0/devicecode', { client_id: CLIENT_ID, scope: SCOPE });
    const page = await (await fetch(String(code.body['verification_uri']))).text();
    expect(page).toContain(services.accounts[2]!.gamertag);
    const submitted = await fetch(String(code.body['verification_uri']), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        user_code: String(code.body['user_code']).toLowerCase(),
        username: services.accounts[2]!.username,
      }).toString(),
    });
    expect(await submitted.text()).toContain(`Signed in as ${services.accounts[2]!.gamertag}.`);
    const granted = await form('/consumers/oauth2/v2.0/token', {
      grant_type: 'device_code',
      client_id: CLIENT_ID,
      device_code: String(code.body['device_code']),
    });
    const claims = JSON.parse(Buffer.from(String(granted.body['id_token']).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims['preferred_username']).toBe(services.accounts[2]!.username);
  });

  it('lets another process approve a device code through the control endpoint, as a chosen test user', async () => {
    const code = await form('/consumers/oauth2/v2.0/devicecode', { client_id: CLIENT_ID, scope: SCOPE });
    const approve = (body: string, contentType = 'application/json') =>
      fetch(`${services.url}${APPROVE_CONTROL_PATH}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    // A form post (what a web page could send without a CORS preflight) is refused.
    const asForm = await approve(`userCode=${String(code.body['user_code'])}`, 'application/x-www-form-urlencoded');
    expect(asForm.status).toBe(415);
    expect(await asForm.text()).toContain('Content-Type: application/json');
    const unknownCode = await approve(JSON.stringify({ userCode: 'NOPE' }));
    expect(unknownCode.status).toBe(404);
    expect(await unknownCode.text()).toContain('No sign-in is waiting for the code NOPE (1 waiting)');
    const unknownUser = await approve(JSON.stringify({ userCode: String(code.body['user_code']), xuid: '1' }));
    expect(unknownUser.status).toBe(404);
    expect(await unknownUser.text()).toContain('XUID 1 is not a test account here');
    expect((await approve(JSON.stringify({ code: 'x' }))).status).toBe(400);

    const third = services.accounts[2]!;
    const approved = await approve(JSON.stringify({ userCode: String(code.body['user_code']).toLowerCase(), xuid: third.xuid }));
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ approved: { userCode: code.body['user_code'], xuid: third.xuid, gamertag: third.gamertag } });
    expect(services.pendingUserCodes()).toEqual([]);
    const granted = await form('/consumers/oauth2/v2.0/token', {
      grant_type: 'device_code',
      client_id: CLIENT_ID,
      device_code: String(code.body['device_code']),
    });
    const claims = JSON.parse(Buffer.from(String(granted.body['id_token']).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims['name']).toBe(third.gamertag);
  });

  it('rotates refresh tokens: each works once', async () => {
    const tokens = await msaTokens();
    const refresh = { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: String(tokens['refresh_token']) };
    const refreshed = await form('/consumers/oauth2/v2.0/token', refresh);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token']).not.toBe(tokens['refresh_token']);
    expect(await form('/consumers/oauth2/v2.0/token', refresh)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('checks PKCE on the authorization-code grant', async () => {
    const verifier = 'a-verifier-that-is-long-enough-for-pkce-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(`${services.url}/consumers/oauth2/v2.0/authorize`);
    for (const [name, value] of Object.entries({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: 'http://localhost:51234',
      scope: SCOPE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'opaque-state',
    })) {
      authorize.searchParams.set(name, value);
    }
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location')!);
    expect(back.origin).toBe('http://localhost:51234');
    expect(back.searchParams.get('state')).toBe('opaque-state');
    const exchange = {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      redirect_uri: 'http://localhost:51234',
      code: back.searchParams.get('code')!,
    };
    expect(await form('/consumers/oauth2/v2.0/token', { ...exchange, code_verifier: 'wrong' })).toMatchObject({
      status: 400,
      body: { error_description: 'PKCE code_verifier does not match the code_challenge.' },
    });
    // The code was used up by the failed attempt, as Microsoft's are.
    expect(await form('/consumers/oauth2/v2.0/token', { ...exchange, code_verifier: verifier })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });
});

describe('Xbox token stand-ins', () => {
  it('answer the documented shapes, and the XSTS token works at the local MPSD', async () => {
    const tokens = await msaTokens();
    const user = await xbox('/user/authenticate', userAuthenticateBody(String(tokens['access_token'])));
    expect(user.status).toBe(200);
    const userAnswer = JSON.parse(user.text) as { Token: string; NotAfter: string; DisplayClaims: { xui: Array<{ uhs: string }> } };
    expect(userAnswer.NotAfter).toBe('2026-05-01T11:00:00.000Z');
    expect(userAnswer.DisplayClaims.xui[0]!.uhs).toMatch(/^[0-9a-f]+$/);

    const xsts = await xbox('/xsts/authorize', xstsBody(userAnswer.Token, 'XDKS.1'));
    expect(xsts.status).toBe(200);
    const answer = JSON.parse(xsts.text) as {
      Token: string;
      NotAfter: string;
      IssueInstant: string;
      DisplayClaims: { xui: Array<Record<string, string>> };
    };
    const claims = answer.DisplayClaims.xui[0]!;
    const account = services.accounts[0]!;
    expect(claims).toMatchObject({ xid: account.xuid, gtg: account.gamertag, agg: 'Adult' });
    expect(claims['prv']!.split(' ')).toContain('254');
    expect(answer.NotAfter).toBe('2026-05-01T11:00:00.000Z');

    const authorization = `XBL3.0 x=${claims['uhs']};${answer.Token}`;
    const caller = mpsd.directory.authenticate(authorization);
    expect(caller).toMatchObject({ ok: true, caller: { xuid: account.xuid, sandbox: 'XDKS.1' } });
  });

  it('refuse requests without the contract version header or with the wrong relying party', async () => {
    expect(await xbox('/user/authenticate', userAuthenticateBody('x'), null)).toEqual({
      status: 400,
      text: 'x-xbl-contract-version: 1 header is required.',
    });
    expect(await xbox('/xsts/authorize', { ...xstsBody('x'), RelyingParty: 'rp://wrong' })).toEqual({
      status: 400,
      text: 'xsts/authorize: RelyingParty must be http://xboxlive.com.',
    });
    expect(
      await xbox('/user/authenticate', {
        ...userAuthenticateBody('x'),
        Properties: { AuthMethod: 'RPS', SiteName: 'user.auth.xboxlive.com', RpsTicket: 'x' },
      }),
    ).toEqual({
      status: 400,
      text: 'user/authenticate: Properties.RpsTicket must be d=<access token>.',
    });
  });

  it('answer 401 for an unknown or expired Microsoft ticket', async () => {
    expect((await xbox('/user/authenticate', userAuthenticateBody('not-issued'))).status).toBe(401);
    const tokens = await msaTokens();
    now += 3601_000;
    expect((await xbox('/user/authenticate', userAuthenticateBody(String(tokens['access_token'])))).status).toBe(401);
  });

  it('refuse with the configured XErr, per sandbox and per account', async () => {
    const token = await userToken();
    services.refuseXsts({ xerr: 2148916242, sandbox: 'ABCD.3' });
    const refused = await xbox('/xsts/authorize', xstsBody(token, 'ABCD.3'));
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toEqual({
      Identity: '0',
      XErr: 2148916242,
      Message: '',
      Redirect: 'https://start.ui.xboxlive.com/CreateAccount',
    });
    expect((await xbox('/xsts/authorize', xstsBody(token, 'XDKS.1'))).status).toBe(200);

    services.refuseXsts({ xerr: 2148916233, xuid: services.accounts[0]!.xuid });
    expect(JSON.parse((await xbox('/xsts/authorize', xstsBody(token, 'XDKS.1'))).text)).toMatchObject({ XErr: 2148916233 });
    services.clearRefusals();
    expect((await xbox('/xsts/authorize', xstsBody(token, 'XDKS.1'))).status).toBe(200);
  });

  it("say the user token expired (XErr 2148916258) on the stand-ins' clock", async () => {
    const token = await userToken();
    now += 3601_000;
    expect(JSON.parse((await xbox('/xsts/authorize', xstsBody(token))).text)).toMatchObject({ XErr: 2148916258 });
    expect(JSON.parse((await xbox('/xsts/authorize', xstsBody('never-issued'))).text)).toMatchObject({ XErr: 2148916262 });
  });

  it('count calls per endpoint', async () => {
    await userToken();
    expect(services.calls).toMatchObject({
      'POST /{tenant}/oauth2/v2.0/devicecode': 1,
      'POST /{tenant}/oauth2/v2.0/token': 2,
      'POST /user/authenticate': 1,
    });
  });
});
