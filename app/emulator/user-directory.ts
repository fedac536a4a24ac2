/**
 * The emulator's test users and the XSTS-like tokens it accepts. Tokens are random strings in
 * the shape of real XSTS tokens that mean something only to this process; the token-services stand-in calls
 * `issueToken` so the tokens it hands out work against the local MPSD.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { invalidSetup } from './setup-errors.ts';
import { isTitleId, isXuid } from './wire-checks.ts';

export interface TestUser {
  xuid: string;
  gamertag: string;
  /** The console this user signs in on: tokens carry it, and `joinRestriction: local` compares it. */
  deviceId: string;
}

export interface TokenRequest {
  xuid: string;
  /** Defaults to the user's gamertag in the directory. */
  gamertag?: string;
  /** Defaults to XDKS.1, Microsoft's public sample sandbox. */
  sandbox?: string;
  /** Milliseconds since the epoch on the emulator's clock; defaults to 16 hours from now. May be in the past. */
  expiresAt?: number;
  /** Decimal title id the token speaks for; rate limits are counted per user per title. */
  titleId?: string;
  /** The device the token was issued on; defaults to the user's own device (so two users can share one). */
  deviceId?: string;
}

/** What an XSTS response gives a client: the user hash, the token, and when it stops working. */
export interface IssuedToken {
  uhs: string;
  token: string;
  /** `XBL3.0 x=<uhs>;<token>`, the exact Authorization header value. */
  authorization: string;
  /** ISO-8601, like XSTS's NotAfter. */
  notAfter: string;
}

/** Who is calling, as read from an accepted Authorization header. */
export interface Caller {
  xuid: string;
  gamertag: string;
  uhs: string;
  sandbox: string;
  titleId?: string;
  /** The token's DeviceId claim. */
  deviceId: string;
}

export type Authentication =
  | { ok: true; caller: Caller }
  /** `reason` is a sentence for the 401 body; `error` a short code for WWW-Authenticate. Neither holds the token. */
  | { ok: false; error: 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked'; reason: string };

export interface UserDirectory {
  /** Every user, in the order they were added. */
  users(): TestUser[];
  find(xuid: string): TestUser | undefined;
  /** Adds a user (a fresh XUID and device unless given); throws VALIDATION on a duplicate or a bad value. */
  addUser(user: { gamertag: string; xuid?: string; deviceId?: string }): TestUser;
  /** Issues a token for a known user; throws VALIDATION for an unknown XUID or a bad value. */
  issueToken(request: TokenRequest): IssuedToken;
  /** Stops a token (the bare token, not the header) from working; false when it was not known. */
  revoke(token: string): boolean;
  /** Reads an `Authorization` header value. */
  authenticate(authorization: string | undefined): Authentication;
}

interface TokenRecord {
  caller: Caller;
  expiresAt: number;
  revoked: boolean;
}

/** Test XUIDs start here; real XUIDs of test accounts are 16-digit numbers of this size. */
const FIRST_TEST_XUID = 2814660000000001n;
const DEFAULT_TOKEN_LIFETIME_MS = 16 * 60 * 60 * 1000;
const DEFAULT_SANDBOX = 'XDKS.1';
const AUTHORIZATION = /^XBL3\.0 x=([^;\s]+);(\S+)$/;
const SANDBOX = /^(?:[A-Z0-9]{2,16}\.[0-9]{1,6}|RETAIL|CERT)$/;
const DEVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;

function checkDeviceId(deviceId: unknown): string {
  if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) {
    invalidSetup("deviceId must be 1 to 64 letters, digits, '.', '-' or '_'.");
  }
  return deviceId;
}

/**
 * Random bytes, or, with a seed, bytes derived from the seed and a label: an emulator restarted
 * with the same seed hands out the same user hashes and startup tokens, so a client holding a
 * token (e.g. an outbox waiting for the local MPSD to come back) keeps working across restarts.
 */
function entropy(seed: string | undefined): (label: string, size: number) => Buffer {
  if (seed === undefined) return (_label, size) => randomBytes(size);
  return (label, size) => {
    // One HMAC block per 32 bytes, so a seeded run can fill a token as long as a real one.
    const blocks = Array.from({ length: Math.ceil(size / 32) }, (_, block) =>
      createHmac('sha256', seed)
        .update(block === 0 ? label : `${label}#${block}`)
        .digest(),
    );
    return Buffer.concat(blocks).subarray(0, size);
  };
}

/** The protected header real XSTS tokens start with: they are JWE compact serialisations. */
const JWE_HEADER = Buffer.from(JSON.stringify({ enc: 'A128CBC+HS256', alg: 'RSA-OAEP', cty: 'JWT', zip: 'DEF' })).toString('base64url');

/**
 * A token shaped like a real XSTS token (five base64url parts joined by dots, about 1.2 KB), so
 * that what the app does with tokens (headers, the keychain, spotting one pasted into a field)
 * meets the shape and size it meets in production. Only this process can read meaning into it.
 */
function jweShapedToken(bytes: (label: string, size: number) => Buffer, label: string): string {
  const part = (name: string, size: number) => bytes(`${label}:${name}`, size).toString('base64url');
  return [JWE_HEADER, part('key', 256), part('iv', 16), part('ciphertext', 512), part('tag', 16)].join('.');
}

/**
 * Creates a directory holding `count` test users (StudioTester1, StudioTester2, ...).
 * `now` is the emulator's clock, so token expiry is testable without waiting.
 */
export function createUserDirectory(count: number, now: () => number, seed?: string): UserDirectory {
  const bytes = entropy(seed);
  const issued = new Map<string, number>();
  const users = new Map<string, TestUser>();
  const userHashes = new Map<string, string>();
  const tokens = new Map<string, TokenRecord>();
  let nextXuid = FIRST_TEST_XUID;

  function addUser(user: { gamertag: string; xuid?: string; deviceId?: string }): TestUser {
    if (typeof user.gamertag !== 'string' || user.gamertag.trim() === '' || user.gamertag.length > 32) {
      invalidSetup('A test user needs a gamertag of 1 to 32 characters.');
    }
    let xuid = user.xuid;
    if (xuid === undefined) {
      while (users.has(nextXuid.toString())) nextXuid += 1n;
      xuid = nextXuid.toString();
    } else if (!isXuid(xuid)) {
      invalidSetup(`XUID "${String(xuid).slice(0, 30)}" must be a decimal string between 1 and 18446744073709551615.`);
    }
    if (users.has(xuid)) invalidSetup(`XUID ${xuid} is already a test user; pick another or omit it.`);
    // One console per test user unless told otherwise: nobody is "local" to anybody by accident.
    const deviceId = user.deviceId === undefined ? `device-${xuid}` : checkDeviceId(user.deviceId);
    const added = { xuid, gamertag: user.gamertag, deviceId };
    users.set(xuid, added);
    // A user hash looks like XSTS's: a long decimal string, stable per user for this directory.
    userHashes.set(xuid, BigInt(`0x${bytes(`uhs:${xuid}`, 8).toString('hex')}`).toString());
    return { ...added };
  }

  for (let index = 1; index <= count; index += 1) addUser({ gamertag: `StudioTester${index}` });

  return {
    users: () => [...users.values()].map((user) => ({ ...user })),
    find(xuid) {
      const user = users.get(xuid);
      return user === undefined ? undefined : { ...user };
    },
    addUser,
    issueToken(request) {
      const user = typeof request?.xuid === 'string' ? users.get(request.xuid) : undefined;
      if (user === undefined) {
        invalidSetup(
          `XUID ${String(request?.xuid).slice(0, 30)} is not a user of the local MPSD; use one of ${[...users.keys()].join(', ')} or add it first.`,
        );
      }
      if (request.gamertag !== undefined && (typeof request.gamertag !== 'string' || request.gamertag.trim() === '')) {
        invalidSetup('gamertag must be a non-empty string when given.');
      }
      const sandbox = request.sandbox ?? DEFAULT_SANDBOX;
      if (typeof sandbox !== 'string' || !SANDBOX.test(sandbox)) {
        invalidSetup('sandbox must look like ABCD.3 (publisher, a dot, a number) or be RETAIL or CERT.');
      }
      const expiresAt = request.expiresAt ?? now() + DEFAULT_TOKEN_LIFETIME_MS;
      if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
        invalidSetup('expiresAt must be a time in milliseconds since the epoch.');
      }
      if (request.titleId !== undefined && !isTitleId(request.titleId)) {
        invalidSetup('titleId must be a decimal string of a 32-bit number, e.g. "1234".');
      }
      const uhs = userHashes.get(user.xuid) as string;
      const sequence = (issued.get(user.xuid) ?? 0) + 1;
      issued.set(user.xuid, sequence);
      const token = jweShapedToken(bytes, `token:${user.xuid}:${sequence}`);
      const deviceId = request.deviceId === undefined ? user.deviceId : checkDeviceId(request.deviceId);
      const caller: Caller = { xuid: user.xuid, gamertag: request.gamertag ?? user.gamertag, uhs, sandbox, deviceId };
      if (request.titleId !== undefined) caller.titleId = request.titleId;
      tokens.set(token, { caller, expiresAt, revoked: false });
      return { uhs, token, authorization: `XBL3.0 x=${uhs};${token}`, notAfter: new Date(expiresAt).toISOString() };
    },
    revoke(token) {
      const record = tokens.get(token);
      if (record === undefined || record.revoked) return false;
      record.revoked = true;
      return true;
    },
    authenticate(authorization) {
      if (authorization === undefined || authorization === '') {
        return { ok: false, error: 'missing', reason: 'The Authorization header is required: XBL3.0 x=<uhs>;<token>.' };
      }
      const match = AUTHORIZATION.exec(authorization);
      if (match === null) {
        return {
          ok: false,
          error: 'malformed',
          reason: 'The Authorization header must be exactly XBL3.0 x=<uhs>;<token>.',
        };
      }
      const record = tokens.get(match[2] as string);
      if (record === undefined || record.caller.uhs !== match[1]) {
        return {
          ok: false,
          error: 'unknown',
          reason: 'The token is not one this service issued, or the user hash does not match it. Sign in again.',
        };
      }
      if (record.revoked) return { ok: false, error: 'revoked', reason: 'The token was revoked. Sign in again.' };
      if (record.expiresAt <= now()) {
        return {
          ok: false,
          error: 'expired',
          reason: `The token expired at ${new Date(record.expiresAt).toISOString()}. Refresh it and retry.`,
        };
      }
      return { ok: true, caller: { ...record.caller } };
    },
  };
}
