/**
 * The Xbox token half of the token stand-ins: `user.auth.xboxlive.com` (`POST
 * /user/authenticate`, an MSA access token from the sign-in stand-in in, a user token out) and
 * `xsts.auth.xboxlive.com` (`POST /xsts/authorize`, a user token and a sandbox in, an XSTS token
 * out). XSTS tokens come from the local MPSD's directory, so that MPSD accepts them; refusals
 * set by a test answer with the XErr Microsoft sends.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, sendJson, sendText } from './token-services-http.ts';
import type { IssuedToken, StandInAccount, XstsRefusal, XstsTokenDirectory } from './token-services.ts';

export interface XboxTokenStandInOptions {
  directory: XstsTokenDirectory;
  now(): number;
  lifetimeSeconds(): number;
  /** The account and expiry of an MSA access token the sign-in stand-in issued. */
  msaAccessToken(token: string): IssuedToken | undefined;
}

export interface XboxTokenStandIn {
  /** Answers the request if it is one of the Xbox token paths; false when it is not. */
  answer(request: IncomingMessage, response: ServerResponse, route: string, body: string): boolean;
  refuseXsts(refusal: XstsRefusal): void;
  clearRefusals(): void;
  /** Forgets every user token issued so far. */
  revokeAll(): void;
}

const XERR_EXPIRED_USER_TOKEN = 2148916258;
const XERR_INVALID_USER_TOKEN = 2148916262;
const DEFAULT_PRIVILEGES = [185, 191, 193, 196, 199, 200, 201, 203, 205, 211, 217, 220, 235, 245, 247, 249, 252, 254, 255];

export function createXboxTokenStandIn(options: XboxTokenStandInOptions): XboxTokenStandIn {
  const { now, lifetimeSeconds } = options;
  const refusals: XstsRefusal[] = [];
  const userTokens = new Map<string, IssuedToken>();

  function answer(request: IncomingMessage, response: ServerResponse, route: string, body: string): boolean {
    if (route === 'POST /user/authenticate') userAuthenticate(request, response, body);
    else if (route === 'POST /xsts/authorize') xstsAuthorize(request, response, body);
    else return false;
    return true;
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
    const issued = options.msaAccessToken(String(properties!['RpsTicket']).slice(2));
    if (!issued || now() > issued.expiresAt) {
      // The real service answers 401 with no body for a ticket it does not accept.
      response.writeHead(401, { 'www-authenticate': 'XBL3.0 x=RpsTicket' }).end();
      return;
    }
    const userToken = `user-${randomBytes(24).toString('base64url')}`;
    const notAfter = now() + lifetimeSeconds() * 1000;
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
    const expiresAt = now() + lifetimeSeconds() * 1000;
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

  return {
    answer,
    refuseXsts: (refusal) => void refusals.push(refusal),
    clearRefusals: () => void refusals.splice(0),
    revokeAll: () => userTokens.clear(),
  };
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
