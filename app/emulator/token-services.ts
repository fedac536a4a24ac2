/**
 * Local stand-ins for the token services a developer PC talks to before it can call MPSD:
 * the Microsoft account authority (OpenID metadata, authorize, device code, token with the
 * authorization-code, device-code and refresh-token grants), `user.auth.xboxlive.com`
 * (`POST /user/authenticate`) and `xsts.auth.xboxlive.com` (`POST /xsts/authorize`).
 *
 * One loopback server answers all three hosts' paths, so a test points every endpoint
 * setting at `url`. XSTS tokens come from the local MPSD's `directory.issueToken`, so a
 * token obtained here is accepted by that MPSD. Nothing needs a person: device codes are
 * approved with `approveDeviceCode` (or by a person on the `/link` page, for the offline
 * sandbox), and the authorize endpoint signs in `interactiveAccount` at once (it answers
 * straight back to the caller's loopback redirect URI).
 *
 * Another process (a test driving the CLI or the app) approves a device code through the
 * control endpoint `POST /_emulator/device-codes/approve` with `{ "userCode", "xuid"? }`
 * (default: the first account). Like the local MPSD's control API it has no authentication:
 * it answers loopback peers only, and it insists on a JSON content type, which a web page
 * can send only after a CORS preflight this server never grants, so a page open in the
 * developer's browser cannot approve a sign-in behind their back.
 *
 * The request shapes are checked as strictly as the docs describe them (contract version
 * header, exact RelyingParty/TokenType/Properties), so a client bug shows up here as a 400
 * instead of at Microsoft.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './request-body.ts';
import type { UserDirectory } from './user-directory.ts';

/** The part of the local MPSD's user directory the stand-ins need. */
export type XstsTokenDirectory = Pick<UserDirectory, 'issueToken' | 'users'>;

/** A Microsoft test account known to the stand-in. */
export interface StandInAccount {
  /** The Microsoft account sign-in name, e.g. `tester1@contoso.test`. */
  username: string;
  xuid: string;
  gamertag: string;
  /** XSTS privileges; 254 = multiplayer sessions. */
  privileges?: number[];
}

/** Makes `/xsts/authorize` refuse with an XErr, for a sandbox, an account, or both. */
export interface XstsRefusal {
  xerr: number;
  sandbox?: string;
  xuid?: string;
}

export interface TokenServicesOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The local MPSD's `directory`: XSTS tokens are issued there, so that MPSD accepts them. */
  directory: XstsTokenDirectory;
  /** Default: one account per directory user, named `<gamertag>@handle-studio.test`. */
  accounts?: StandInAccount[];
  /** The clock token lifetimes go by; pass the local MPSD's so both agree on expiry. */
  clock?: { now(): number };
  /** Lifetime of MSA access tokens, user tokens and XSTS tokens, in seconds (default 8 h). */
  tokenLifetimeSeconds?: number;
  /** Who the authorize endpoint signs in (default: the first account). */
  interactiveAccount?: string;
}

export interface TokenServices {
  /** Base URL, e.g. `http://127.0.0.1:40123`; the authority is `${url}/consumers`. */
  readonly url: string;
  readonly accounts: readonly StandInAccount[];
  /** Completes a pending device-code sign-in as `username` (default: the first account). Returns false for an unknown code. */
  approveDeviceCode(userCode: string, username?: string): boolean;
  /** Refuses a pending device code, as a user pressing "No" would. */
  declineDeviceCode(userCode: string): boolean;
  /** User codes waiting for approval, oldest first. */
  pendingUserCodes(): string[];
  refuseXsts(refusal: XstsRefusal): void;
  clearRefusals(): void;
  setTokenLifetime(seconds: number): void;
  /** Invalidates every refresh token and user token issued so far (as a password change would). */
  revokeAll(): void;
  /** How many times each endpoint was called, keyed like `POST /xsts/authorize`. */
  readonly calls: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  approvedBy?: StandInAccount;
  declined?: boolean;
}

interface AuthorizationCodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
  account: StandInAccount;
}

interface IssuedToken {
  account: StandInAccount;
  expiresAt: number;
}

/** The control endpoint another process approves a device code with (see the top of this file). */
export const APPROVE_CONTROL_PATH = '/_emulator/device-codes/approve';
const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const XBOX_SCOPES = ['XboxLive.signin', 'XboxLive.offline_access'];
/** The fixed tenant id Microsoft uses for personal (consumer) accounts. */
const CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** Microsoft documents the URN; msal-node sends the short form, which Microsoft also accepts. */
const DEVICE_CODE_GRANTS = ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'];
const XERR_EXPIRED_USER_TOKEN = 2148916258;
const XERR_INVALID_USER_TOKEN = 2148916262;
const DEFAULT_PRIVILEGES = [185, 191, 193, 196, 199, 200, 201, 203, 205, 211, 217, 220, 235, 245, 247, 249, 252, 254, 255];

/** Starts the stand-ins on 127.0.0.1. Close them with `close()`. */
export async function startTokenServices(options: TokenServicesOptions): Promise<TokenServices> {
  const accounts: StandInAccount[] =
    options.accounts ??
    options.directory.users().map((user) => ({ username: `${user.gamertag.toLowerCase()}@handle-studio.test`, xuid: user.xuid, gamertag: user.gamertag }));
  if (accounts.length === 0) throw new Error('startTokenServices needs at least one account (or a directory with users).');
  const now = () => (options.clock ?? Date).now();
  let lifetimeSeconds = options.tokenLifetimeSeconds ?? 8 * 3600;
  const refusals: XstsRefusal[] = [];
  const deviceCodes = new Map<string, DeviceCodeGrant>();
  const authorizationCodes = new Map<string, AuthorizationCodeGrant>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, { account: StandInAccount; clientId: string; scope: string }>();
  const userTokens = new Map<string, IssuedToken>();
  const calls: Record<string, number> = {};

  const interactiveAccount =
    accounts.find((account) => account.username === options.interactiveAccount) ?? accounts[0]!;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: 'server_error', error_description: String(error) });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', base());
    const route = `${request.method ?? 'GET'} ${url.pathname}`;
    const body = await readBody(request).catch((error: unknown) => {
      // Over the cap the token services drop the connection rather than answer (the local MPSD answers 413).
      request.destroy();
      throw error;
    });
    const oauth = /^\/([A-Za-z0-9.-]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/(authorize|token|devicecode))$/.exec(
      url.pathname,
    );
    const key = oauth ? `${request.method ?? 'GET'} /{tenant}/${oauth[2]}` : route;
    calls[key] = (calls[key] ?? 0) + 1;

    if (oauth) {
      const tenant = oauth[1]!;
      const what = oauth[2]!;
      if (what.endsWith('openid-configuration') && request.method === 'GET') return openIdConfiguration(response, tenant);
      if (what.endsWith('authorize') && request.method === 'GET') return authorize(response, url);
      if (what.endsWith('devicecode') && request.method === 'POST') return deviceCode(response, new URLSearchParams(body));
      if (what.endsWith('token') && request.method === 'POST') return token(response, new URLSearchParams(body));
    }
    if (route === 'GET /link') return linkPage(response, url.searchParams.get('message'));
    if (route === 'POST /link') return approveFromLinkPage(response, new URLSearchParams(body));
    if (route === `POST ${APPROVE_CONTROL_PATH}`) return approveFromControl(request, response, body);
    if (route === 'POST /user/authenticate') return userAuthenticate(request, response, body);
    if (route === 'POST /xsts/authorize') return xstsAuthorize(request, response, body);
    sendText(response, 404, `No stand-in for ${route}.`);
  }

  function base(): string {
    const address = server.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? 0}`;
  }

  function openIdConfiguration(response: ServerResponse, tenant: string): void {
    const root = `${base()}/${tenant}`;
    sendJson(response, 200, {
      issuer: `${base()}/${CONSUMERS_TENANT_ID}/v2.0`,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      token_endpoint: `${root}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      jwks_uri: `${root}/discovery/v2.0/keys`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'preferred_username', 'oid', 'tid'],
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
      http_logout_supported: true,
      frontchannel_logout_supported: true,
    });
  }

  function authorize(response: ServerResponse, url: URL): void {
    const query = url.searchParams;
    const redirectUri = query.get('redirect_uri') ?? '';
    const problem =
      (!query.get('client_id') && 'client_id is missing') ||
      (query.get('response_type') !== 'code' && 'response_type must be code') ||
      (!/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(redirectUri) && 'redirect_uri must be a loopback http URL') ||
      (!query.get('code_challenge') && 'PKCE code_challenge is missing') ||
      (query.get('code_challenge_method') !== 'S256' && 'code_challenge_method must be S256') ||
      missingXboxScope(query.get('scope') ?? '');
    if (problem) return sendText(response, 400, `authorize: ${problem}.`);
    const code = randomBytes(24).toString('base64url');
    const grant: AuthorizationCodeGrant = {
      clientId: query.get('client_id')!,
      redirectUri,
      codeChallenge: query.get('code_challenge')!,
      scope: query.get('scope')!,
      account: interactiveAccount,
    };
    const nonce = query.get('nonce');
    if (nonce) grant.nonce = nonce;
    authorizationCodes.set(code, grant);
    const answer: Record<string, string> = { code, client_info: clientInfo(interactiveAccount) };
    const state = query.get('state');
    if (state) answer['state'] = state;
    if (query.get('response_mode') === 'form_post') {
      // What Microsoft does for form_post: a page whose form posts the answer to the redirect URI.
      const fields = Object.entries(answer)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
        .join('');
      const page = `<!doctype html><html><body onload="document.forms[0].submit()"><form method="POST" action="${escapeHtml(redirectUri)}">${fields}</form></body></html>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(answer)) target.searchParams.set(name, value);
    response.writeHead(302, { location: target.toString() }).end();
  }

  /** The device-code page a person opens (verification_uri): type the code, pick a test account. */
  function linkPage(response: ServerResponse, message: string | null): void {
    const options = accounts
      .map((account) => `<option value="${escapeHtml(account.username)}">${escapeHtml(account.gamertag)} (${escapeHtml(account.username)})</option>`)
      .join('');
    const notice = message ? `<p>${escapeHtml(message)}</p>` : '';
    const page = `<!doctype html><html><head><title>Sign in (local stand-in)</title></head><body><h1>Sign in to the local Xbox Live stand-in</h1>${notice}<form method="POST" action="/link"><label>Code <input name="user_code" autocomplete="off"></label> <label>Account <select name="username">${options}</select></label> <button>Sign in</button></form></body></html>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  }

  function approveFromLinkPage(response: ServerResponse, form: URLSearchParams): void {
    const userCode = (form.get('user_code') ?? '').trim().toUpperCase();
    const account = accounts.find((known) => known.username === form.get('username'));
    const approved = account !== undefined && approve(userCode, account.username);
    const message = approved
      ? `Signed in as ${account.gamertag}. You can close this page and return to Handle Studio.`
      : 'That code is not waiting for a sign-in: check it and try again.';
    response.writeHead(303, { location: `/link?message=${encodeURIComponent(message)}` }).end();
  }

  function approveFromControl(request: IncomingMessage, response: ServerResponse, body: string): void {
    if (!LOOPBACK_PEERS.has(request.socket.remoteAddress ?? '')) return sendText(response, 403, 'The control endpoint answers loopback callers only.');
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      return sendText(response, 415, 'Send the body as JSON with Content-Type: application/json, e.g. {"userCode":"ABC123DEF"}.');
    }
    const parsed = parseJsonObject(body);
    const unknownKeys = parsed ? Object.keys(parsed).filter((key) => key !== 'userCode' && key !== 'xuid') : [];
    if (!parsed || typeof parsed['userCode'] !== 'string' || (parsed['xuid'] !== undefined && typeof parsed['xuid'] !== 'string') || unknownKeys.length > 0) {
      return sendText(response, 400, 'The body must be {"userCode": "<the code the app shows>", "xuid"?: "<a test user\'s XUID>"} and nothing else.');
    }
    const userCode = parsed['userCode'].trim().toUpperCase();
    const xuid = parsed['xuid'];
    const account = xuid === undefined ? accounts[0]! : accounts.find((known) => known.xuid === xuid);
    if (!account) {
      return sendText(response, 404, `XUID ${String(xuid).slice(0, 30)} is not a test account here; use one of ${accounts.map((known) => known.xuid).join(', ')}.`);
    }
    if (!approve(userCode, account.username)) {
      const pending = [...deviceCodes.values()].filter((grant) => !grant.approvedBy && !grant.declined).length;
      return sendText(response, 404, `No sign-in is waiting for the code ${userCode.slice(0, 20)} (${pending} waiting): check the code the app shows, or start the sign-in again.`);
    }
    sendJson(response, 200, { approved: { userCode, xuid: account.xuid, gamertag: account.gamertag } });
  }

  function approve(userCode: string, username?: string): boolean {
    const grant = [...deviceCodes.values()].find((pending) => pending.userCode === userCode);
    const account = username === undefined ? accounts[0] : accounts.find((known) => known.username === username);
    if (!grant || !account) return false;
    grant.approvedBy = account;
    return true;
  }

  function deviceCode(response: ServerResponse, form: URLSearchParams): void {
    const clientId = form.get('client_id');
    const scope = form.get('scope') ?? '';
    if (!clientId) return sendOAuthError(response, 400, 'invalid_request', 'client_id is missing.');
    const missing = missingXboxScope(scope);
    if (missing) return sendOAuthError(response, 400, 'invalid_scope', `${missing}.`);
    const grant: DeviceCodeGrant = {
      deviceCode: randomBytes(24).toString('base64url'),
      userCode: randomBytes(6).toString('hex').toUpperCase().slice(0, 9),
      clientId,
      scope,
      expiresAt: Date.now() + 900_000,
    };
    deviceCodes.set(grant.deviceCode, grant);
    const verificationUri = `${base()}/link`;
    sendJson(response, 200, {
      device_code: grant.deviceCode,
      user_code: grant.userCode,
      verification_uri: verificationUri,
      expires_in: 900,
      // One second keeps tests quick; Microsoft sends 5.
      interval: 1,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${grant.userCode} to authenticate.`,
    });
  }

  function token(response: ServerResponse, form: URLSearchParams): void {
    const grantType = form.get('grant_type');
    const clientId = form.get('client_id') ?? '';
    if (DEVICE_CODE_GRANTS.includes(grantType ?? '')) {
      const grant = deviceCodes.get(form.get('device_code') ?? '');
      if (!grant || grant.clientId !== clientId) return sendOAuthError(response, 400, 'invalid_grant', 'Unknown device code.');
      if (grant.declined) return sendOAuthError(response, 400, 'authorization_declined', 'The user declined the sign-in.');
      if (Date.now() > grant.expiresAt) return sendOAuthError(response, 400, 'expired_token', 'The device code expired.');
      if (!grant.approvedBy) return sendOAuthError(response, 400, 'authorization_pending', 'The user has not finished signing in yet.');
      deviceCodes.delete(grant.deviceCode);
      return sendTokens(response, grant.approvedBy, clientId, grant.scope);
    }
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const grant = authorizationCodes.get(code);
      authorizationCodes.delete(code);
      if (!grant || grant.clientId !== clientId) return sendOAuthError(response, 400, 'invalid_grant', 'Unknown or used authorization code.');
      if (form.get('redirect_uri') !== grant.redirectUri) return sendOAuthError(response, 400, 'invalid_grant', 'redirect_uri does not match.');
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) {
        return sendOAuthError(response, 400, 'invalid_grant', 'PKCE code_verifier does not match the code_challenge.');
      }
      return sendTokens(response, grant.account, clientId, grant.scope, grant.nonce);
    }
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const known = refreshTokens.get(presented);
      if (!known || known.clientId !== clientId) {
        return sendOAuthError(response, 400, 'invalid_grant', 'The refresh token has expired or was revoked. Sign in again.');
      }
      // Refresh tokens rotate, as Microsoft's do for public clients.
      refreshTokens.delete(presented);
      return sendTokens(response, known.account, clientId, known.scope);
    }
    sendOAuthError(response, 400, 'unsupported_grant_type', `grant_type ${String(grantType)} is not supported here.`);
  }

  function sendTokens(response: ServerResponse, account: StandInAccount, clientId: string, scope: string, nonce?: string): void {
    const accessToken = `msa-${randomBytes(24).toString('base64url')}`;
    const refreshToken = `msa-refresh-${randomBytes(24).toString('base64url')}`;
    accessTokens.set(accessToken, { account, expiresAt: now() + lifetimeSeconds * 1000 });
    refreshTokens.set(refreshToken, { account, clientId, scope });
    const issuedAt = Math.floor(Date.now() / 1000);
    const idClaims: Record<string, unknown> = {
      ver: '2.0',
      iss: `${base()}/${CONSUMERS_TENANT_ID}/v2.0`,
      sub: `sub-${account.xuid}`,
      aud: clientId,
      exp: issuedAt + 3600,
      iat: issuedAt,
      nbf: issuedAt,
      name: account.gamertag,
      preferred_username: account.username,
      oid: oidOf(account),
      tid: CONSUMERS_TENANT_ID,
    };
    if (nonce) idClaims['nonce'] = nonce;
    sendJson(response, 200, {
      token_type: 'Bearer',
      scope: XBOX_SCOPES.join(' '),
      expires_in: lifetimeSeconds,
      ext_expires_in: lifetimeSeconds,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: unsignedJwt(idClaims),
      client_info: clientInfo(account),
    });
  }

  function userAuthenticate(request: IncomingMessage, response: ServerResponse, body: string): void {
    const problem = contractVersionProblem(request) ?? null;
    if (problem) return sendText(response, 400, problem);
    const parsed = parseJsonObject(body);
    const properties = parsed?.['Properties'] as Record<string, unknown> | undefined;
    const shapeProblem =
      (!parsed && 'body must be a JSON object') ||
      (parsed?.['RelyingParty'] !== 'http://auth.xboxlive.com' && 'RelyingParty must be http://auth.xboxlive.com') ||
      (parsed?.['TokenType'] !== 'JWT' && 'TokenType must be JWT') ||
      (typeof properties !== 'object' || properties === null ? 'Properties is missing' : null) ||
      (properties?.['AuthMethod'] !== 'RPS' && 'Properties.AuthMethod must be RPS') ||
      (properties?.['SiteName'] !== 'user.auth.xboxlive.com' && 'Properties.SiteName must be user.auth.xboxlive.com') ||
      (typeof properties?.['RpsTicket'] !== 'string' || !properties['RpsTicket'].startsWith('d=')
        ? 'Properties.RpsTicket must be d=<access token>'
        : null);
    if (shapeProblem) return sendText(response, 400, `user/authenticate: ${shapeProblem}.`);
    const issued = accessTokens.get(String(properties!['RpsTicket']).slice(2));
    if (!issued || now() > issued.expiresAt) {
      // The real service answers 401 with no body for a ticket it does not accept.
      response.writeHead(401, { 'www-authenticate': 'XBL3.0 x=RpsTicket' }).end();
      return;
    }
    const userToken = `user-${randomBytes(24).toString('base64url')}`;
    const notAfter = now() + lifetimeSeconds * 1000;
    userTokens.set(userToken, { account: issued.account, expiresAt: notAfter });
    sendJson(response, 200, {
      IssueInstant: new Date(now()).toISOString(),
      NotAfter: new Date(notAfter).toISOString(),
      Token: userToken,
      DisplayClaims: { xui: [{ uhs: userHashOf(issued.account) }] },
    });
  }

  function xstsAuthorize(request: IncomingMessage, response: ServerResponse, body: string): void {
    const problem = contractVersionProblem(request);
    if (problem) return sendText(response, 400, problem);
    const parsed = parseJsonObject(body);
    const properties = parsed?.['Properties'] as Record<string, unknown> | undefined;
    const userTokenList = properties?.['UserTokens'];
    const sandbox = properties?.['SandboxId'];
    const shapeProblem =
      (!parsed && 'body must be a JSON object') ||
      (parsed?.['RelyingParty'] !== 'http://xboxlive.com' && 'RelyingParty must be http://xboxlive.com') ||
      (parsed?.['TokenType'] !== 'JWT' && 'TokenType must be JWT') ||
      (typeof properties !== 'object' || properties === null ? 'Properties is missing' : null) ||
      (!Array.isArray(userTokenList) || userTokenList.length !== 1 || typeof userTokenList[0] !== 'string'
        ? 'Properties.UserTokens must hold exactly one user token'
        : null) ||
      (typeof sandbox !== 'string' || sandbox.length === 0 ? 'Properties.SandboxId is missing' : null);
    if (shapeProblem) return sendText(response, 400, `xsts/authorize: ${shapeProblem}.`);
    const issued = userTokens.get((userTokenList as string[])[0]!);
    if (!issued) return sendXErr(response, XERR_INVALID_USER_TOKEN);
    if (now() > issued.expiresAt) return sendXErr(response, XERR_EXPIRED_USER_TOKEN);
    const account = issued.account;
    const refusal = refusals.find(
      (rule) => (rule.sandbox === undefined || rule.sandbox === sandbox) && (rule.xuid === undefined || rule.xuid === account.xuid),
    );
    if (refusal) return sendXErr(response, refusal.xerr);
    const expiresAt = now() + lifetimeSeconds * 1000;
    const xsts = options.directory.issueToken({
      xuid: account.xuid,
      gamertag: account.gamertag,
      sandbox: sandbox as string,
      expiresAt,
    });
    sendJson(response, 200, {
      IssueInstant: new Date(now()).toISOString(),
      NotAfter: xsts.notAfter,
      Token: xsts.token,
      DisplayClaims: {
        xui: [
          {
            uhs: xsts.uhs,
            xid: account.xuid,
            gtg: account.gamertag,
            agg: 'Adult',
            prv: (account.privileges ?? DEFAULT_PRIVILEGES).join(' '),
          },
        ],
      },
    });
  }

  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Port ${options.port} is already in use, so the sign-in stand-ins cannot start; pick another or use 0 for a free one.`
            : `The sign-in stand-ins could not listen: ${error.message}`,
        ),
      );
    server.once('error', refuse);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', refuse);
      resolve();
    });
  });

  return {
    url: base(),
    accounts,
    approveDeviceCode: approve,
    declineDeviceCode(userCode) {
      const grant = [...deviceCodes.values()].find((pending) => pending.userCode === userCode);
      if (!grant) return false;
      grant.declined = true;
      return true;
    },
    pendingUserCodes: () => [...deviceCodes.values()].filter((grant) => !grant.approvedBy && !grant.declined).map((grant) => grant.userCode),
    refuseXsts: (refusal) => void refusals.push(refusal),
    clearRefusals: () => void refusals.splice(0),
    setTokenLifetime(seconds) {
      lifetimeSeconds = seconds;
    },
    revokeAll() {
      refreshTokens.clear();
      userTokens.clear();
      accessTokens.clear();
    },
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function missingXboxScope(scope: string): string | null {
  const requested = scope.split(' ');
  const missing = XBOX_SCOPES.filter((needed) => !requested.includes(needed));
  return missing.length > 0 ? `scope must include ${missing.join(' and ')}` : null;
}

function contractVersionProblem(request: IncomingMessage): string | null {
  return request.headers['x-xbl-contract-version'] === '1' ? null : 'x-xbl-contract-version: 1 header is required.';
}

function sendXErr(response: ServerResponse, xerr: number): void {
  sendJson(response, 401, {
    Identity: '0',
    XErr: xerr,
    Message: '',
    Redirect: 'https://start.ui.xboxlive.com/CreateAccount',
  });
}

/** Stable per account, so the same person keeps the same user hash and object id across sign-ins. */
function userHashOf(account: StandInAccount): string {
  return createHash('sha256').update(`uhs:${account.xuid}`).digest('hex').slice(0, 20);
}

function oidOf(account: StandInAccount): string {
  const hex = createHash('sha256').update(`oid:${account.xuid}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function clientInfo(account: StandInAccount): string {
  return Buffer.from(JSON.stringify({ uid: oidOf(account), utid: CONSUMERS_TENANT_ID })).toString('base64url');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function unsignedJwt(claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: randomUUID() })).toString('base64url');
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
}

function parseJsonObject(body: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendOAuthError(response: ServerResponse, status: number, error: string, description: string): void {
  sendJson(response, status, { error, error_description: description, error_codes: [], timestamp: new Date().toISOString() });
}
