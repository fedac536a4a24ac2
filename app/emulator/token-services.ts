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
 *
 * This file is the server and what tests hold; the two stand-ins live apart: the sign-in one
 * (`sign-in-stand-in.ts`: the Microsoft account authority) and the Xbox token one
 * (`xbox-token-stand-in.ts`: user.auth and XSTS).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './request-body.ts';
import { APPROVE_CONTROL_PATH, createSignInStandIn, OAUTH_PATH } from './sign-in-stand-in.ts';
import { sendJson, sendText } from './token-services-http.ts';
import type { UserDirectory } from './user-directory.ts';
import { createXboxTokenStandIn } from './xbox-token-stand-in.ts';

export { APPROVE_CONTROL_PATH };

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

/** A token one stand-in issued: whose it is and until when. */
export interface IssuedToken {
  account: StandInAccount;
  expiresAt: number;
}

/** Starts the stand-ins on 127.0.0.1. Close them with `close()`. */
export async function startTokenServices(options: TokenServicesOptions): Promise<TokenServices> {
  const accounts: StandInAccount[] =
    options.accounts ??
    options.directory
      .users()
      .map((user) => ({ username: `${user.gamertag.toLowerCase()}@handle-studio.test`, xuid: user.xuid, gamertag: user.gamertag }));
  if (accounts.length === 0) throw new Error('startTokenServices needs at least one account (or a directory with users).');
  const now = () => (options.clock ?? Date).now();
  let lifetime = options.tokenLifetimeSeconds ?? 8 * 3600;
  const lifetimeSeconds = () => lifetime;
  const calls: Record<string, number> = {};

  const signIn = createSignInStandIn({
    accounts,
    interactiveAccount: accounts.find((account) => account.username === options.interactiveAccount) ?? accounts[0]!,
    now,
    lifetimeSeconds,
    base,
  });
  const xboxTokens = createXboxTokenStandIn({ directory: options.directory, now, lifetimeSeconds, msaAccessToken: signIn.accessToken });

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
    const oauth = OAUTH_PATH.exec(url.pathname);
    const key = oauth ? `${request.method ?? 'GET'} /{tenant}/${oauth[2]}` : route;
    calls[key] = (calls[key] ?? 0) + 1;
    if (signIn.answer(request, response, url, body) || xboxTokens.answer(request, response, route, body)) return;
    sendText(response, 404, `No stand-in for ${route}.`);
  }

  function base(): string {
    const address = server.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? 0}`;
  }

  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) =>
      reject(
        // With the listen error's code (EADDRINUSE), so the CLI can name the port in use.
        Object.assign(
          new Error(
            error.code === 'EADDRINUSE'
              ? `Port ${options.port} is already in use, so the sign-in stand-ins cannot start; pick another or use 0 for a free one.`
              : `The sign-in stand-ins could not listen: ${error.message}`,
          ),
          { code: error.code },
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
    approveDeviceCode: signIn.approve,
    declineDeviceCode: signIn.decline,
    pendingUserCodes: signIn.pendingUserCodes,
    refuseXsts: xboxTokens.refuseXsts,
    clearRefusals: xboxTokens.clearRefusals,
    setTokenLifetime(seconds) {
      lifetime = seconds;
    },
    revokeAll() {
      signIn.revokeAll();
      xboxTokens.revokeAll();
    },
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
