/**
 * The sign-in half of the token stand-ins: the Microsoft account authority (OpenID metadata,
 * authorize with PKCE, device code, and the token endpoint's authorization-code, device-code and
 * refresh-token grants), the `/link` page a person approves a device code on, and the control
 * endpoint another process approves one through. Its access tokens are what the Xbox token
 * stand-in (`xbox-token-stand-in.ts`) takes as the RPS ticket.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, sendJson, sendText } from './token-services-http.ts';
import type { IssuedToken, StandInAccount } from './token-services.ts';

export interface SignInStandInOptions {
  accounts: readonly StandInAccount[];
  /** Who the authorize endpoint signs in. */
  interactiveAccount: StandInAccount;
  now(): number;
  lifetimeSeconds(): number;
  /** The server's base URL, once it listens. */
  base(): string;
}

export interface SignInStandIn {
  /** Answers `route` if it is one of the sign-in paths; false when it is not. */
  answer(request: IncomingMessage, response: ServerResponse, url: URL, body: string): boolean;
  /** The account and expiry of an access token this stand-in issued. */
  accessToken(token: string): IssuedToken | undefined;
  approve(userCode: string, username?: string): boolean;
  decline(userCode: string): boolean;
  pendingUserCodes(): string[];
  /** Forgets every refresh and access token issued so far. */
  revokeAll(): void;
}

/** The control endpoint another process approves a device code with (see token-services.ts). */
export const APPROVE_CONTROL_PATH = '/_emulator/device-codes/approve';
/** The path of an OAuth endpoint, with the tenant and which endpoint it is. */
export const OAUTH_PATH = /^\/([A-Za-z0-9.-]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/(authorize|token|devicecode))$/;
const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const XBOX_SCOPES = ['XboxLive.signin', 'XboxLive.offline_access'];
/** The fixed tenant id Microsoft uses for personal (consumer) accounts. */
const CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** Microsoft documents the URN; msal-node sends the short form, which Microsoft also accepts. */
const DEVICE_CODE_GRANTS = ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'];

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

export function createSignInStandIn(options: SignInStandInOptions): SignInStandIn {
  const { accounts, interactiveAccount, now, lifetimeSeconds, base } = options;
  const deviceCodes = new Map<string, DeviceCodeGrant>();
  const authorizationCodes = new Map<string, AuthorizationCodeGrant>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, { account: StandInAccount; clientId: string; scope: string }>();

  function answer(request: IncomingMessage, response: ServerResponse, url: URL, body: string): boolean {
    const route = `${request.method ?? 'GET'} ${url.pathname}`;
    const [, tenant = '', what = ''] = OAUTH_PATH.exec(url.pathname) ?? [];
    if (what.endsWith('openid-configuration') && request.method === 'GET') openIdConfiguration(response, tenant);
    else if (what.endsWith('authorize') && request.method === 'GET') authorize(response, url);
    else if (what.endsWith('devicecode') && request.method === 'POST') deviceCode(response, new URLSearchParams(body));
    else if (what.endsWith('token') && request.method === 'POST') token(response, new URLSearchParams(body));
    else if (route === 'GET /link') linkPage(response, url.searchParams.get('message'));
    else if (route === 'POST /link') approveFromLinkPage(response, new URLSearchParams(body));
    else if (route === `POST ${APPROVE_CONTROL_PATH}`) approveFromControl(request, response, body);
    else return false;
    return true;
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
      .map(
        (account) =>
          `<option value="${escapeHtml(account.username)}">${escapeHtml(account.gamertag)} (${escapeHtml(account.username)})</option>`,
      )
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
    if (!LOOPBACK_PEERS.has(request.socket.remoteAddress ?? ''))
      return sendText(response, 403, 'The control endpoint answers loopback callers only.');
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      return sendText(response, 415, 'Send the body as JSON with Content-Type: application/json, e.g. {"userCode":"ABC123DEF"}.');
    }
    const parsed = parseJsonObject(body);
    const unknownKeys = parsed ? Object.keys(parsed).filter((key) => key !== 'userCode' && key !== 'xuid') : [];
    if (
      !parsed ||
      typeof parsed['userCode'] !== 'string' ||
      (parsed['xuid'] !== undefined && typeof parsed['xuid'] !== 'string') ||
      unknownKeys.length > 0
    ) {
      return sendText(
        response,
        400,
        'The body must be {"userCode": "<the code the app shows>", "xuid"?: "<a test user\'s XUID>"} and nothing else.',
      );
    }
    const userCode = parsed['userCode'].trim().toUpperCase();
    const xuid = parsed['xuid'];
    const account = xuid === undefined ? accounts[0]! : accounts.find((known) => known.xuid === xuid);
    if (!account) {
      return sendText(
        response,
        404,
        `XUID ${String(xuid).slice(0, 30)} is not a test account here; use one of ${accounts.map((known) => known.xuid).join(', ')}.`,
      );
    }
    if (!approve(userCode, account.username)) {
      const pending = [...deviceCodes.values()].filter((grant) => !grant.approvedBy && !grant.declined).length;
      return sendText(
        response,
        404,
        `No sign-in is waiting for the code ${userCode.slice(0, 20)} (${pending} waiting): check the code the app shows, or start the sign-in again.`,
      );
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
      if (!grant || grant.clientId !== clientId)
        return sendOAuthError(response, 400, 'invalid_grant', 'Unknown or used authorization code.');
      if (form.get('redirect_uri') !== grant.redirectUri)
        return sendOAuthError(response, 400, 'invalid_grant', 'redirect_uri does not match.');
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
    accessTokens.set(accessToken, { account, expiresAt: now() + lifetimeSeconds() * 1000 });
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
      expires_in: lifetimeSeconds(),
      ext_expires_in: lifetimeSeconds(),
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: unsignedJwt(idClaims),
      client_info: clientInfo(account),
    });
  }

  return {
    answer,
    accessToken: (token) => accessTokens.get(token),
    approve,
    decline(userCode) {
      const grant = [...deviceCodes.values()].find((pending) => pending.userCode === userCode);
      if (!grant) return false;
      grant.declined = true;
      return true;
    },
    pendingUserCodes: () =>
      [...deviceCodes.values()].filter((grant) => !grant.approvedBy && !grant.declined).map((grant) => grant.userCode),
    revokeAll() {
      refreshTokens.clear();
      accessTokens.clear();
    },
  };
}

function missingXboxScope(scope: string): string | null {
  const requested = scope.split(' ');
  const missing = XBOX_SCOPES.filter((needed) => !requested.includes(needed));
  return missing.length > 0 ? `scope must include ${missing.join(' and ')}` : null;
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

function sendOAuthError(response: ServerResponse, status: number, error: string, description: string): void {
  sendJson(response, status, { error, error_description: description, error_codes: [], timestamp: new Date().toISOString() });
}
