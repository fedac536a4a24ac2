/**
 * Steps 2 and 3 of the token chain (docs/mpsd-handles.md §5): a Microsoft account access
 * token becomes an Xbox user token at user.auth.xboxlive.com, and the user token becomes an
 * XSTS token for one sandbox at xsts.auth.xboxlive.com.
 *
 * XSTS refusals come back as 401 with an XErr number; they are turned into sentences a
 * developer can act on. No token ever goes into a message.
 */
import * as z from '../../shared/zod.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { FetchLike } from '../ports.ts';

export const XBOX_USER_AUTHENTICATE_URL = 'https://user.auth.xboxlive.com/user/authenticate';
export const XSTS_AUTHORIZE_URL = 'https://xsts.auth.xboxlive.com/xsts/authorize';

const REQUEST_TIMEOUT_MS = 15_000;

export interface XboxUserToken {
  token: string;
  /** Epoch milliseconds. */
  notAfter: number;
}

export interface XstsGrant {
  uhs: string;
  token: string;
  /** Epoch milliseconds, from NotAfter (tokens live 8 to 16 hours; never assume). */
  notAfter: number;
  xuid: string;
  gamertag?: string;
  privileges: number[];
}

const isoInstant = z.string().check(z.refine((value) => Number.isFinite(Date.parse(value)), { error: 'NotAfter is not a date.' }));

const userTokenResponseSchema = z.object({
  NotAfter: isoInstant,
  Token: z.string().check(z.minLength(1)),
  DisplayClaims: z.object({ xui: z.array(z.object({ uhs: z.string().check(z.minLength(1)) })).check(z.minLength(1)) }),
});

const xstsResponseSchema = z.object({
  NotAfter: isoInstant,
  Token: z.string().check(z.minLength(1)),
  DisplayClaims: z.object({
    xui: z
      .array(
        z.object({
          uhs: z.string().check(z.minLength(1)),
          xid: z.string().check(z.regex(/^[0-9]+$/)),
          gtg: z.optional(z.string()),
          prv: z.optional(z.string()),
        }),
      )
      .check(z.minLength(1)),
  }),
});

const xstsRefusalSchema = z.object({ XErr: z.union([z.number(), z.string()]), Message: z.optional(z.string()) });

/** Exchanges a Microsoft account access token for an Xbox user token. */
export async function authenticateXboxUser(
  fetch: FetchLike,
  msaAccessToken: string,
  endpoint: string = XBOX_USER_AUTHENTICATE_URL,
): Promise<XboxUserToken> {
  const response = await postXbox(fetch, endpoint, {
    RelyingParty: 'http://auth.xboxlive.com',
    TokenType: 'JWT',
    Properties: { AuthMethod: 'RPS', SiteName: 'user.auth.xboxlive.com', RpsTicket: `d=${msaAccessToken}` },
  });
  if (response.status === 401 || response.status === 403) {
    throw new HandleStudioError(
      'TOKEN_EXPIRED',
      'Xbox Live did not accept the Microsoft account sign-in (user.auth.xboxlive.com answered 401): sign in again.',
      { status: response.status },
    );
  }
  const body = await expectJson(response, 'user.auth.xboxlive.com');
  const parsed = userTokenResponseSchema.safeParse(body);
  if (!parsed.success) throw unexpectedAnswer('user.auth.xboxlive.com');
  return { token: parsed.data.Token, notAfter: Date.parse(parsed.data.NotAfter) };
}

/** Exchanges an Xbox user token for an XSTS token for `sandboxId`, relying party http://xboxlive.com. */
export async function authorizeXsts(
  fetch: FetchLike,
  userToken: string,
  sandboxId: string,
  endpoint: string = XSTS_AUTHORIZE_URL,
): Promise<XstsGrant> {
  const response = await postXbox(fetch, endpoint, {
    RelyingParty: 'http://xboxlive.com',
    TokenType: 'JWT',
    Properties: { UserTokens: [userToken], SandboxId: sandboxId },
  });
  if (response.status === 401 || response.status === 403) {
    const refusal = xstsRefusalSchema.safeParse(await response.json().catch(() => null));
    if (refusal.success) throw xstsRefusal(Number(refusal.data.XErr), sandboxId);
    throw new HandleStudioError(
      'SIGN_IN_FAILED',
      `Xbox Live refused an XSTS token for sandbox ${sandboxId} (HTTP ${response.status}, no reason given): sign in again, and check the account can use that sandbox.`,
      { status: response.status },
    );
  }
  const body = await expectJson(response, 'xsts.auth.xboxlive.com');
  const parsed = xstsResponseSchema.safeParse(body);
  if (!parsed.success) throw unexpectedAnswer('xsts.auth.xboxlive.com');
  const claims = parsed.data.DisplayClaims.xui[0]!;
  const grant: XstsGrant = {
    uhs: claims.uhs,
    token: parsed.data.Token,
    notAfter: Date.parse(parsed.data.NotAfter),
    xuid: claims.xid,
    privileges: parsePrivileges(claims.prv),
  };
  if (claims.gtg) grant.gamertag = claims.gtg;
  return grant;
}

/** `prv` is a space-separated list of privilege numbers, e.g. "185 191 254". */
function parsePrivileges(prv: string | undefined): number[] {
  if (!prv) return [];
  return prv
    .split(/\s+/)
    .filter((part) => /^[0-9]+$/.test(part))
    .map(Number);
}

/** The XErr numbers documented for XSTS refusals, in words. */
export function xstsRefusal(xerr: number, sandboxId: string): HandleStudioError {
  const details = { xerr };
  switch (xerr) {
    case 2148916233:
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        'This account has no Xbox profile yet: sign in once at xbox.com to create one, then sign in here again.',
        details,
      );
    case 2148916242:
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        `This account has no access to sandbox ${sandboxId}: use a test account created for that sandbox in Partner Center, or pick the sandbox it belongs to.`,
        details,
      );
    case 2148916238:
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        'This is a child account that is not part of a Microsoft family: an adult must add it to a family at account.microsoft.com/family before it can use Xbox Live.',
        details,
      );
    case 2148916227:
      return new HandleStudioError('SIGN_IN_FAILED', 'This account is banned from Xbox Live: use another test account.', details);
    case 2148916258:
    case 2148916262:
      return new HandleStudioError('TOKEN_EXPIRED', 'The Xbox sign-in has expired or is no longer valid: sign in again.', details);
    default:
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        `Xbox Live refused the sign-in for sandbox ${sandboxId} (XErr ${xerr}): check the account and the sandbox, then sign in again.`,
        details,
      );
  }
}

async function postXbox(fetch: FetchLike, endpoint: string, body: unknown): Promise<Response> {
  const host = hostOf(endpoint);
  try {
    return await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-xbl-contract-version': '1' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      // A redirect would re-send the Microsoft or user token in this body to wherever it points.
      redirect: 'error',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new HandleStudioError(
        'TIMEOUT',
        `${host} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s: check your connection and try again.`,
      );
    }
    throw new HandleStudioError('OFFLINE', `Could not reach ${host}: check your network connection or proxy, then try again.`);
  }
}

async function expectJson(response: Response, host: string): Promise<unknown> {
  if (!response.ok) {
    throw new HandleStudioError('SIGN_IN_FAILED', `${host} answered HTTP ${response.status}: try signing in again in a moment.`, {
      status: response.status,
    });
  }
  try {
    return await response.json();
  } catch {
    throw unexpectedAnswer(host);
  }
}

function unexpectedAnswer(host: string): HandleStudioError {
  return new HandleStudioError(
    'SIGN_IN_FAILED',
    `${host} sent an answer Handle Studio does not understand: try again, or check the endpoint settings of this profile.`,
  );
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
